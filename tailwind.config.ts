import type { Config } from "tailwindcss";

// Semantic colours (canvas, surface, fg, line, accent) are CSS variables set
// in app/globals.css for light and dark, so one class serves both themes;
// `dark:` variants remain for the few tinted colours (red, amber, green).
const token = (name: string) => `rgb(var(--${name}) / <alpha-value>)`;

const config: Config = {
  content: ["./app/**/*.{ts,tsx}", "./components/**/*.{ts,tsx}"],
  darkMode: "class",
  theme: {
    extend: {
      colors: {
        canvas: token("canvas"),
        surface: { DEFAULT: token("surface"), muted: token("surface-muted"), strong: token("surface-strong") },
        fg: { DEFAULT: token("fg"), muted: token("fg-muted"), subtle: token("fg-subtle") },
        line: { DEFAULT: token("line"), strong: token("line-strong") },
        accent: { DEFAULT: token("accent"), fg: token("accent-fg"), soft: token("accent-soft") },
      },
      fontFamily: {
        sans: ["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
        mono: ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
      },
    },
  },
  plugins: [],
};

export default config;
