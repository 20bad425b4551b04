# Converting one picture: why it failed, why it was passed over, what to know about
# an output written anyway. Ids are `family-code`; the code is what reports keep.

## Why one input could not be converted (family "problem").
problem-cannot_read = cannot read the file: { $detail }
problem-not_a_file = cannot read the file: { skip-not_a_file }
problem-changed_while_read = cannot read the file: the file changed while it was read ({ $opened } bytes when opened, { $read } read); is something still writing it?
problem-empty = the file is empty
problem-unknown_bytes = not a picture: the bytes are not JPEG, PNG, GIF, BMP, WebP, TIFF, HEIC, AVIF, JPEG 2000 or PDF
problem-unsupported = { $format } is not supported: save it as JPEG or PNG first
problem-input_too_large = the file is { $bytes } bytes, above the { $max }-byte input limit
problem-too_many_pixels = { $width }×{ $height } pixels is above the limit of { $max } pixels
problem-no_pixels = the file states a picture of { $width }×{ $height } pixels: with no width or no height there is nothing to convert
problem-corrupt = { $format } data is corrupt or truncated: { $detail }
problem-truncated = { $format } data is corrupt or truncated: the file ends before the picture data does
problem-corrupt_data = { $format } picture data is damaged ({ $damage }): part of the picture would be garbage; get the file again from its source
problem-band_unreachable = cannot land in { $min }..={ $max } bytes without going below the legibility floors: { $closest }
problem-encode_failed = encoding failed: { $detail }
problem-write_failed = cannot write { $path }: { $detail }
problem-would_overwrite_input = the output { $path } would overwrite an input; choose another output folder
problem-internal_error = internal error while converting (please report it): { $detail }
problem-folder_unreadable = cannot read folder: { $detail }
problem-output_folder_is_link = the output folder { $path } is a link: outputs would land outside the output folder

## The closest attempt of a band search that failed (family "closest").
closest-png = the lossless PNG is { $bytes } bytes, and the format chosen is PNG only
closest-jpeg = { $encodes ->
        [none] {""}
       *[other] gave up after { $encodes } encodes;{" "}
    }closest: { $estimated ->
        [yes] about{" "}
       *[no] {""}
    }{ $bytes } bytes at quality { $quality }, { $width }×{ $height } px{ $score ->
        [none] {""}
       *[other] , legibility { $score } under the floor { $floor }
    }

## A page of a multi-page file (TIFF, PDF) (family "page").
page-tiff_unreadable = the TIFF file could not be read: { $detail }
page-pdf_unreadable = the PDF file could not be read: { $detail }
page-pdf_encrypted = the PDF is password-protected: save an unprotected copy and try again
page-no_pages = the file has no pages
page-not_a_scanned_image = page { $page } is not a scanned image (it has text, drawings or several pictures); export that page as an image, or scan the paper instead
page-unsupported_filter = page { $page } stores its picture as { $filter }, which scanfit cannot decode; re-scan or re-save it as JPEG, PNG or TIFF
page-unsupported_colour = page { $page } uses { $what }, which scanfit cannot decode; save it as RGB or grey
page-damaged = page { $page } is damaged: { $detail }
page-corrupt_data = page { $page }'s picture data is damaged ({ $damage }): part of the page would be garbage; get the file again from its source

## What a JPEG decoder found damaged in the compressed data (family "jpeg_damage").
jpeg_damage-bad_huffman_code = bad Huffman code
jpeg_damage-premature_end_of_segment = the coded data ends before the picture does
jpeg_damage-extraneous_bytes = { $count } bytes of coded data left over before marker { $marker }
jpeg_damage-restart_marker = marker { $found } where restart marker RST{ $expected } belongs
jpeg_damage-bad_progression = the progressive scans are inconsistent
jpeg_damage-premature_end_of_file = the file ends before the picture data does

## HEIC and AVIF, decoded by the system's libheif (family "heif").
heif-library_missing = HEIC/AVIF support needs libheif at run time ({ $system ->
        [windows] put libheif.dll and the DLLs it needs (MSYS2 package mingw-w64-x86_64-libheif) beside scanfit.exe or on PATH
       *[other] Debian/Ubuntu: apt install libheif1
    }): { $detail }
heif-corrupt = HEIC/AVIF data cannot be decoded: { $detail }

## TIFF layouts the built-in decoder lacks, read by the system's libtiff (family "libtiff").
libtiff-library_missing = this TIFF layout needs libtiff at run time ({ $system ->
        [windows] put libtiff-6.dll and the DLLs it needs (MSYS2 package mingw-w64-x86_64-libtiff) beside scanfit.exe or on PATH
       *[other] Debian/Ubuntu: apt install libtiff6
    }): { $detail }

## JBIG2 pages of PDFs, decoded by the system's jbig2dec (family "jbig2").
jbig2-library_missing = page { $page } is stored as JBIG2, which needs jbig2dec at run time ({ $system ->
        [windows] scanfit for Windows does not include it: put libjbig2dec-0.dll (MSYS2 package mingw-w64-x86_64-jbig2dec) beside scanfit.exe or on PATH
       *[other] Debian/Ubuntu: apt install libjbig2dec0
    }): { $detail }

## JPEG 2000 files and PDF JPX pages, decoded by the built-in OpenJPEG (family "jpeg2000").
jpeg2000-corrupt = JPEG 2000 data is corrupt or truncated: { $detail }
jpeg2000-unsupported_colour = this JPEG 2000 picture uses { $what }, which scanfit cannot convert; save it as JPEG, PNG or TIFF

## Why an input was passed over: nothing to do (family "skip").
skip-output_exists = output already exists
skip-not_a_picture = not a picture
skip-broken_link = broken link
skip-link_to_folder = link to a folder: not followed
skip-not_a_file = not a regular file (FIFO, socket or device): not read

## Written anyway, but worth knowing (family "warning").
warning-grayscale = grayscale: the portal rejects black-and-white scans; rescan in colour if you can
warning-bilevel = black-and-white scan: the portal rejects these; rescan in colour
warning-blurred = blurred (sharpness { $sharpness }): reviewers reject unclear pictures; rescan or retake it
warning-low_resolution = low resolution: the long edge is { $long_edge } px, too few for legible small print; enlarging adds no detail
warning-animated = animated: only the first frame was kept
warning-reduced = decoded at 1/{ $denominator } of its size: { $width }×{ $height } pixels is above the limit of { $limit } pixels (a file of a few megabytes cannot carry that much detail anyway)
warning-profile_ignored = colour profile ignored: { $why }
warning-cmyk = CMYK: converted to RGB with a generic formula (no colour profile applied); check the colours
warning-cmyk_profile_ignored = CMYK colour profile ignored: { $why }
warning-enlarged = enlarged { $factor }×: the source was too small for the portal's minimum size
warning-enlarged_to_match = enlarged { $factor }× to match the other pieces (a larger piece would otherwise lose legibility); a sharper or larger photo of it would look better
warning-grained = grain added (±{ $levels } levels, invisible): the picture is too flat to reach the minimum size otherwise
warning-in_piece = { $piece }: { $warning }
warning-renamed = renamed file: the bytes are { $real }, not what the name says
warning-border_cut = the document runs out of the picture (a side or corner is cut off); reviewers reject it: retake the original with all four edges and corners in the picture
warning-photocopy = the document looks like a photocopy (grey where the original has colour); reviewers reject copies: photograph or colour-scan the original
warning-screen_photo = looks like a photo of a screen; reviewers reject these: photograph or scan the original document
warning-electronic_copy = looks rendered or screenshotted, not photographed or scanned; an electronic certificate is rejected: photograph or colour-scan the original
warning-reading_lost = the output reads less well than the original: { $missed } of the { $source } characters read clearly on the original are not, even at the largest size allowed
warning-reading_unchecked = whether the output reads as well as the original could not be checked (the text reader failed)
# The name of a piece of a stitched picture: its file, and its page when it has several.
warning-piece_page = { $name } page { $page }

## Why a colour profile could not be used (family "icc").
icc-unreadable = unreadable colour profile ({ $detail }); assumed sRGB
icc-not_rgb = a { $space } colour profile on RGB pixels; assumed sRGB
icc-cannot_convert = colour profile cannot be converted ({ $detail }); assumed sRGB
icc-conversion_failed = colour conversion failed ({ $detail }); assumed sRGB

## Why a CMYK source's colour profile could not be used (family "cmyk_icc"); the
## generic formula is used instead.
cmyk_icc-unreadable = unreadable CMYK colour profile ({ $detail })
cmyk_icc-not_cmyk = a { $space } colour profile on CMYK pixels
cmyk_icc-cannot_convert = the CMYK colour profile cannot be converted ({ $detail })

## Writing an output (family "write").
write-in_the_way = a file is in the way of the folder { $path }

## Watch: an original that could not be moved or deleted after its output was written
## (family "original").
original-not_deleted = cannot delete the original { $path }: { $detail }
original-not_moved = cannot move the original { $path } into { $dir }: { $detail }

## Settings that contradict each other, found before any work (family "profile").
profile-min_above_max = the minimum size ({ $min } bytes) is larger than the maximum size ({ $max } bytes)
profile-band_too_narrow = the size band is too narrow: the maximum size must be at least 10 % above the minimum size
profile-max_too_small = the maximum size must be at least 1 KiB
profile-quality_range = qualities are between 1 and 100
profile-min_quality_above_quality = the floor quality ({ $min_quality }) is above the preferred quality ({ $quality })
profile-min_score_range = the legibility floor is between 0 and 1
profile-min_long_edge_zero = the resolution floor must be at least 1 pixel
profile-syntax = { $detail }

## A size written by a person (family "size").
size-not_a_size = '{ $text }' is not a size (examples: 4000000, 4MB, 200KiB)
size-unknown_unit = unknown size unit '{ $unit }' in '{ $text }' (use B, KB, KiB, MB, MiB)
size-out_of_range = '{ $text }' is out of range

## A run that cannot start (family "setup").
setup-input = cannot read input { $path }: { $detail }
setup-output = output folder { $path }: { $why }
setup-output_create = { $detail }
setup-output_is_input = it is also an input folder; outputs would be mixed with inputs
setup-output_is_watched = it is also the watched folder; outputs would be mixed with inputs

## Said inside other messages: a size (family "unit"; $n is already rounded, the
## language chooses how many decimals show), and an error of the system (family "io":
## $kind is the error's kind, `not_found`, `permission_denied`...; $os the system's
## own text, which English keeps whole).
unit-b = { $n } B
unit-kb = { NUMBER($n, minimumFractionDigits: 1) } kB
unit-mb = { NUMBER($n, minimumFractionDigits: 2) } MB
# A decoder library's words about a damaged file, said in languages other than English.
library-detail = the data inside the file does not follow its format
io-error = { $kind ->
       *[other] { $os }
    }
