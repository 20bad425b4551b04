# `scanfit sweep`: settings that cannot be swept, and the chart's words.

## (family "sweep")
sweep-empty_axis = every axis of the sweep needs at least one value
sweep-quality_range = qualities are between 1 and 100
sweep-scale_range = downscale factors are above 0 and at most 1
sweep-sample_zero = the sample and the repeats must be at least 1
sweep-min_colour_range = the colour floor is between 0 and 1
sweep-not_a_quality = '{ $text }' is not a quality between 1 and 100
sweep-backwards = '{ $text }': the range runs backwards
sweep-no_quality = '{ $text }' names no quality

## The chart (family "chart").
chart-format = { $path }: the chart is written as .svg or .png
chart-draw = drawing the chart: { $detail }
chart-write = writing the chart { $path }: { $detail }
chart-caption = scanfit sweep: { $settings } settings on { $files } files
chart-x-axis = total output bytes of the sample (MB)
chart-y-axis = worst file's legibility (SSIM, worst 10 % of text windows)
chart-floor = legibility floor { $floor }
chart-front = Pareto front
chart-default = default ({ $setting })
chart-recommended = recommended ({ $setting })

## A setting of the grid as the table, the chart and the recommendation name it
## (the CSV keeps the English label for scripts).
sweep-setting = q{ $quality } { $family }
sweep-family = { $subsampling } { $progressive ->
        [yes] progressive
       *[no] baseline
    }{ $trellis ->
        [yes] {" "}trellis
       *[no] {""}
    }{ $scale ->
        [none] {""}
       *[other] {" "}×{ $scale }
    }
