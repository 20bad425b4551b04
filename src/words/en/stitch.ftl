# `scanfit stitch`: why a set was not stitched, and mistakes in a sets file.

## Why one set was not stitched (family "stitch").
stitch-piece = piece { $path }{ $page ->
        [none] {""}
       *[other] {" "}(page { $page })
    }: { $problem }; nothing was written
stitch-too_few_pieces = a stitch needs at least two pieces, { $count } given
stitch-fit = the stitched picture: { $problem }
stitch-would_overwrite_piece = the output { $path } is one of the pieces; choose another name
stitch-write_failed = cannot write { $path }: { $detail }
stitch-internal_error = internal error while stitching (please report it): { $detail }
stitch-spacing_too_large = the gap and the margin are at most { $max } px (given { $gap } and { $margin })

## Why a layout cannot be built (family "layout").
layout-no_pieces = no pieces to lay out
layout-too_large = { $pieces } pieces with a { $gap } px gap and { $margin } px margin need more than { $max } pixels; use fewer pieces or smaller gaps

## A sets file (--sets) that cannot be used (family "sets").
sets-row = { $path }, line { $line }: { $why }
sets-empty = { $path }: no sets (each row: output name, then two or more pictures)
sets-too_few_pictures = '{ $name }' has { $count } picture(s); a set needs an output name and at least two pictures
sets-empty_cell = cell { $cell } is empty
sets-bad_name = output name '{ $name }' must be a plain name or a path inside the output folder
sets-name_taken = output name '{ $name }' is used by an earlier row
