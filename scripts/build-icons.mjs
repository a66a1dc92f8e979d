// Rasterises public/icon.svg into the committed public/favicon.ico (16, 32
// and 48 px) and public/apple-touch-icon.png (180 px). Run by hand after
// changing the icon: node scripts/build-icons.mjs. Uses sharp, which Next
// installs for its image optimiser.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";

const pub = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "public");
const svg = readFileSync(path.join(pub, "icon.svg"));
const png = (size) => sharp(svg, { density: 72 * (size / 32) * 4 }).resize(size, size).png().toBuffer();

// The ICO container, by hand (no maintained package is worth a dependency
// for 22 bytes): a 6-byte header, a 16-byte entry per image, then the
// images as PNG, which every browser and Windows since Vista read.
const sizes = [16, 32, 48];
const images = await Promise.all(sizes.map(png));
const header = Buffer.alloc(6 + 16 * sizes.length);
header.writeUInt16LE(0, 0); // reserved
header.writeUInt16LE(1, 2); // type: icon
header.writeUInt16LE(sizes.length, 4);
let offset = header.length;
sizes.forEach((size, i) => {
  const entry = 6 + 16 * i;
  header.writeUInt8(size, entry); // width (0 would mean 256)
  header.writeUInt8(size, entry + 1); // height
  header.writeUInt8(0, entry + 2); // palette colours
  header.writeUInt8(0, entry + 3); // reserved
  header.writeUInt16LE(1, entry + 4); // colour planes
  header.writeUInt16LE(32, entry + 6); // bits per pixel
  header.writeUInt32LE(images[i].length, entry + 8);
  header.writeUInt32LE(offset, entry + 12);
  offset += images[i].length;
});
writeFileSync(path.join(pub, "favicon.ico"), Buffer.concat([header, ...images]));
writeFileSync(path.join(pub, "apple-touch-icon.png"), await png(180));
console.log("wrote public/favicon.ico and public/apple-touch-icon.png");
