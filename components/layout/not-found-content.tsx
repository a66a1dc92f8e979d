import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

/** The 404 page's body: what happened and the ways back. */
export function NotFoundContent({ signedIn }: { signedIn: boolean }) {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center gap-4 px-4 py-16 text-center">
      <p className="text-sm font-semibold uppercase tracking-wider text-accent">404</p>
      <h1 className="text-2xl font-semibold tracking-tight text-fg">This page does not exist</h1>
      <p className="text-sm text-fg-muted">
        The link may be old, the project or store may have been deleted, or you may not be a member of it.
      </p>
      <div className="flex flex-wrap justify-center gap-2">
        {signedIn ? (
          <Link href="/projects" className={buttonClass("primary")}>
            Back to your projects
          </Link>
        ) : (
          <>
            <Link href="/sign-in" className={buttonClass("primary")}>
              Sign in
            </Link>
            <Link href="/" className={buttonClass("secondary")}>
              Home
            </Link>
          </>
        )}
      </div>
    </div>
  );
}
