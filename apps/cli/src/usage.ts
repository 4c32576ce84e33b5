import { DEFAULT_MAX_PIXELS } from './config.js';
import type { CommandName } from './args.js';

const GLOBALS = `Global options:
  --calibration TABLE.json   calibration table to normalise scores with
                             (default: the built-in table; env PERTOUCH_CALIBRATION)
  --json                     print machine-readable JSON on stdout
  -h, --help                 show help
  --version                  print the version

Environment:
  PERTOUCH_CALIBRATION   calibration table (--calibration takes precedence)
  PERTOUCH_MAX_PIXELS    largest accepted image in pixels (default ${DEFAULT_MAX_PIXELS})
  PERTOUCH_THREADS       threads for the full-resolution passes (default: one per CPU)
  PERTOUCH_DEBUG=1       print the stack of internal errors

Exit status: 0 success, 2 bad input or usage (one line on stderr:
"pertouch: [code] message"), 1 internal error.`;

const OUTPUT = `Output: the format follows the extension: .jpg/.jpeg, .png, .webp, .tif/.tiff, .avif.
16-bit inputs give 16-bit .png/.tif; everything else is 8-bit. Every output is
sRGB with an embedded sRGB ICC profile; EXIF orientation is applied to the pixels.
The file is written atomically (temporary file + rename); missing folders are created.`;

const SEGMENTATION = `  -s, --segmentation LABELS.png   greyscale PNG of region ids 0..255 with the
                                  image's aspect ratio (default: the whole image is region 0)`;

const TEXT: Readonly<Record<CommandName | 'main', string>> = {
  segment: '',
  main: `pertouch: region-aware photo retouching with parameter maps

Usage: pertouch <command> IMAGE [options]

Commands:
  analyze IMAGE              measure the photo's as-shot parameter map
  render IMAGE --map M -o O  render a parameter map onto the photo
  auto IMAGE -o OUT          retouch every region to the corpus-median look (all 0)
  segment IMAGE -o LABELS    labelled regions (or a prompted mask) as a PNG

Run "pertouch <command> --help" for a command's options.

${GLOBALS}`,

  analyze: `Usage: pertouch analyze IMAGE [--segmentation LABELS.png] [--json]

Measures the photo's as-shot map: per region, its share of the image, the raw
attribute scores and their normalised values in [-1, 1] (0 = corpus median).
With --json prints {"map": <ParameterMap>, "regions": [{id, area, raw}],
"workingSize": {width, height}, "calibration": <version>}; "map" is a valid
parameter map that "pertouch render --map" accepts.

Options:
${SEGMENTATION}

${GLOBALS}`,

  render: `Usage: pertouch render IMAGE --map MAP.json -o OUT [--segmentation LABELS.png]
                      [--quality Q] [--json]

Renders a parameter map onto the photo, writes OUT and prints the report: per
region and attribute the as-shot, target and achieved values (achieved is
measured on the output) and whether the target was clipped.

MAP.json: {"regions": [{"id": 0, "values": {"brightness": 0.3}}],
           "global": {"contrast": 0}}  (attributes: colorfulness, contrast,
           temperature, brightness; values in [-1, 1]; unset values stay as shot)

Options:
  -m, --map MAP.json      the parameter map (required)
  -o, --output OUT        the output image (required)
${SEGMENTATION}
  -q, --quality Q         JPEG/WebP/AVIF quality 1..100 (default 90)

${OUTPUT}

${GLOBALS}`,

  auto: `Usage: pertouch auto IMAGE -o OUT [--segmentation LABELS.png] [--quality Q] [--json]

Sets every region to 0 on all four attributes (the median look of the
calibration corpus), writes OUT and prints the report.

Options:
  -o, --output OUT        the output image (required)
${SEGMENTATION}
  -q, --quality Q         JPEG/WebP/AVIF quality 1..100 (default 90)

${OUTPUT}

${GLOBALS}`,
};

const SEGMENT = `Usage: pertouch segment IMAGE [-o LABELS.png] [--overlay OUT.png] [--json]
                       [--engine embedded|sam]
       pertouch segment IMAGE (--point x,y | --box x0,y0,x1,y1 | --label WORD)
                       -o MASK.png [--engine embedded|sam] [--json]

Without a prompt: automatic regions, each with a label (sky, vegetation, person,
face, skin, animal, a COCO object name, subject, background…). -o writes the
region ids as an 8-bit greyscale PNG (the --segmentation input of analyze,
render and auto); --overlay draws outlines and labels over the photo; the
region table (id, label, confidence, area, box) is printed, or JSON with --json.

With a prompt: one mask (0 = outside, 255 = inside) at the image's size.
  --point x,y        the region under a pixel
  --box x0,y0,x1,y1  the object(s) inside a box
  --label WORD       a word: "sky", "the trees", "her face", "eagle", "shadows"

Options:
  -o, --output PNG     labels (automatic) or mask (prompt)
  --overlay PNG        a picture of the regions for people to check
  --engine NAME        embedded (default; env PERTOUCH_SEGMENT_ENGINE) or sam
                       (needs PERTOUCH_SAM_DIR, see docs/sam.md)

Optional models (docs/models.md): "npm run models" fetches them into
PERTOUCH_MODELS_DIR (default ~/.cache/pertouch/models); the embedded engine uses
those present and lists the labels it cannot give without the others.

${GLOBALS}`;

export function usage(command?: CommandName): string {
  return `${command === 'segment' ? SEGMENT : TEXT[command ?? 'main']}\n`;
}
