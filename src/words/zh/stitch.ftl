# `scanfit stitch`（拼图）：一组图片没有拼成的原因，以及拼图清单里的错误。

## 一组没有拼成的原因（family "stitch"）。
stitch-piece = 拼图用的图片 { $path }{ $page ->
        [none] {""}
       *[other] （第 { $page } 页）
    }：{ $problem }；没有写出任何文件
stitch-too_few_pieces = 拼图至少需要两张图片，只给了 { $count } 张
stitch-fit = 拼好的图片：{ $problem }
stitch-would_overwrite_piece = 输出文件 { $path } 正是拼图用的一张图片；请换一个名字
stitch-write_failed = 无法写入 { $path }：{ $detail }
stitch-internal_error = 拼图时发生内部错误（请报告此问题）：{ $detail }
stitch-spacing_too_large = 间距和边距最多 { $max } 像素（现在分别是 { $gap } 和 { $margin }）

## 无法排版的原因（family "layout"）。
layout-no_pieces = 没有可以排版的图片
layout-too_large = { $pieces } 张图片加上 { $gap } 像素的间距和 { $margin } 像素的边距，需要超过 { $max } 像素；请减少图片数量或缩小间距

## 无法使用的拼图清单（--sets）（family "sets"）。
sets-row = { $path } 第 { $line } 行：{ $why }
sets-empty = { $path }：里面没有任何一组（每行：输出文件名，然后是两张或更多图片）
sets-too_few_pictures = “{ $name }”只有 { $count } 张图片；每组需要一个输出文件名和至少两张图片
sets-empty_cell = 第 { $cell } 格是空的
sets-bad_name = 输出文件名“{ $name }”必须是普通文件名，或输出文件夹内的路径
sets-name_taken = 输出文件名“{ $name }”已被前面的一行使用
