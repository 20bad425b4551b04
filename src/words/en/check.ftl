# `scanfit check`: what is found about a file, and the verdict words.

## Findings (family "finding"); the code after the dash is what --json reports.
finding-renamed = renamed: the bytes are { $real }, but the name says { $claimed }{ $extension ->
        [none] {""}
       *[other] ; name it .{ $extension }, or convert it with scanfit convert
    }
finding-not_accepted = { $format } is not accepted (only { $accepted } are): scanfit convert makes one
finding-bad_extension = the name { $extension ->
        [none] without an extension
       *[other] ending in .{ $extension }
    } is not accepted: the portal takes { $accepted } files; rename it to .{ $suggested }
finding-too_small = too small: { $exact ->
        [1] { $bytes } bytes is under the minimum of { $min } bytes ({ $size })
       *[other] { $size } is under the minimum of { $min_size } ({ $min } bytes)
    }; scanfit convert re-encodes it into the band
finding-too_large = too large: { $exact ->
        [1] { $bytes } bytes is over the maximum of { $max } bytes ({ $size })
       *[other] { $size } is over the maximum of { $max_size } ({ $max } bytes)
    }; scanfit convert re-encodes it into the band
finding-too_few_pixels = too few pixels: { $width } × { $height } px is under the upload form's minimum of { $long } × { $short } px; scan or photograph it at a higher resolution
finding-too_many_pixels = too many pixels: { $width } × { $height } px is over the upload form's maximum of { $long } × { $short } px
finding-unreadable = unreadable: { $problem }
finding-passed_over = passed over: { $why }
finding-not_a_picture = { skip-not_a_picture }
finding-orientation = EXIF orientation { $orientation }: some viewers show it rotated and others upright; scanfit convert rotates the pixels
finding-gps = GPS position in EXIF: a privacy leak (where the photo was taken); scanfit convert removes it
finding-metadata = metadata: { $names } (scanfit convert removes it)
finding-not_srgb = colour profile is not sRGB: viewers that ignore it show other colours; scanfit convert converts to sRGB
finding-cmyk = CMYK: some viewers show CMYK JPEGs with wrong colours or not at all; scanfit convert makes it RGB
finding-animated = animated: the reviewer may see only the first frame
finding-grayscale = grayscale: looks like a black-and-white copy, which the portal rejects; scan or photograph the original in colour
finding-bilevel = black-and-white (1-bit) scan: black-and-white scans are rejected; scan the original in colour
finding-blurred = blurred: sharpness { $score } is under { $threshold }; rescan or retake the photo
finding-low_resolution = low resolution: the long edge is { $long_edge } px, under { $min } px, too few for small print
finding-border_cut = the document runs out of the picture: a side or corner is cut off; retake the original with all four edges and corners in the picture
finding-photocopy = the document looks like a photocopy (grey where the original has colour); photograph or colour-scan the original, not a copy
finding-screen_photo = looks like a photo of a screen; do not photograph a screen: photograph or scan the original document
finding-electronic_copy = looks like an electronic certificate (rendered or screenshotted), not a photo or scan; photograph or colour-scan the original

## A finding on one page of a multi-page file.
finding-on_page = page { $page }: { $finding }

## Names of metadata in the "metadata" finding, and how they are joined.
metadata-exif = EXIF
metadata-xmp = XMP
metadata-icc = ICC profile
metadata-other = comments/text
list-separator = {", "}
# Reasons of one file, joined on its line of the table.
list-reasons = {"; "}

## Verdicts, as the table shows them.
verdict-pass = PASS
verdict-skipped = SKIP
verdict-warn = WARN
verdict-fail = FAIL
