# `scanfit sweep`：无法试验的设置，以及图表用语。

## （family "sweep"）
sweep-empty_axis = 每一项设置至少需要一个取值
sweep-quality_range = 质量应在 1 到 100 之间
sweep-scale_range = 缩小比例应大于 0 且不超过 1
sweep-sample_zero = 样本数和重复次数至少为 1
sweep-min_colour_range = 色彩下限应在 0 到 1 之间
sweep-not_a_quality = “{ $text }”不是 1 到 100 之间的质量
sweep-backwards = “{ $text }”：范围写反了（应从小到大）
sweep-no_quality = “{ $text }”里没有任何质量值

## 图表（family "chart"）。
chart-format = { $path }：图表只能保存为 .svg 或 .png
chart-draw = 绘制图表时出错：{ $detail }
chart-write = 写入图表 { $path } 时出错：{ $detail }
chart-caption = scanfit sweep：{ $files } 个文件上的 { $settings } 种设置
chart-x-axis = 样本输出的总大小（MB）
chart-y-axis = 最差文件的清晰度（SSIM，文字区域中最差的 10%）
chart-floor = 清晰度下限 { $floor }
chart-front = 帕累托前沿
chart-default = 默认（{ $setting }）
chart-recommended = 推荐（{ $setting }）

## 表格、图表和推荐结果里对一种设置的称呼（CSV 保留英文名，供脚本使用）。
sweep-setting = 质量 { $quality } { $family }
sweep-family = { $subsampling } { $progressive ->
        [yes] 渐进式
       *[no] 基线
    }{ $trellis ->
        [yes] {" "}网格量化
       *[no] {""}
    }{ $scale ->
        [none] {""}
       *[other] {" "}×{ $scale }
    }
