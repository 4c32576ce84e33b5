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

const PARSE = `Usage: pertouch parse "INSTRUCTION" [--photo PHOTO] [--json]

Reads a retouching instruction the way the agent does and prints what it asks
for: "weak" (no specific change: "optimize", "make it look good", "the way I
usually like") or "strong" with edits, each a region ("global", a vocabulary
region such as sky, face, skin, vegetation, shadows, or an object noun such as
"eagle"), an attribute (brightness, contrast, colorfulness, temperature) and a
signed delta in parameter units (0.1 slight, 0.2 plain, 0.4 strong, 0.6
extreme). --json prints {"type", "edits": [{region, attribute, delta,
except?, box?}], "notes"?}. The vocabulary: libs/instructions/README.md.

Engine: the embedded rules, or a VLM when PERTOUCH_VLM_URL is set (any
OpenAI-compatible chat-completions endpoint); if the VLM fails or answers
outside the schema, the rules answer and a warning goes to stderr.
  --photo PHOTO             show the VLM the photo (upright, long side ≤ 1024, as the
                            service does): it may box the objects it names; boxes are
                            printed in PHOTO's pixels. The rule engine ignores it.
  PERTOUCH_VLM_URL          base URL (http://host:8000/v1) or …/chat/completions
  PERTOUCH_VLM_MODEL        model name (required with the URL)
  PERTOUCH_VLM_API_KEY      sent as a bearer token (optional)
  PERTOUCH_VLM_TIMEOUT_MS   per attempt (default 30000)
  PERTOUCH_VLM_RETRIES      further attempts on timeouts and 5xx (default 2)

An instruction that asks for nothing PerTouch can do ("sharpen it") or nothing
at all is bad input: exit 2, "pertouch: [instruction.<code>] message".

${GLOBALS}`;

const TEXT: Readonly<Record<CommandName | 'main', string>> = {
  segment: '',
  parse: PARSE,
  main: `pertouch: region-aware photo retouching with parameter maps

Usage: pertouch <command> IMAGE [options]
       pertouch parse "INSTRUCTION" [--photo PHOTO] [--json]

Commands:
  analyze IMAGE              measure the photo's as-shot parameter map
  render IMAGE --map M -o O  render a parameter map onto the photo
  auto IMAGE -o OUT          retouch every region to the corpus-median look (all 0)
  segment IMAGE -o LABELS    labelled regions (or a prompted mask) as a PNG
  parse "INSTRUCTION"        what a retouching instruction asks for (weak/strong edits)

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
