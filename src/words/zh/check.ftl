# `scanfit check`：对一个文件的检查结果，以及结论用语。

## 检查结果（family "finding"）；短横后面的 code 是 --json 报告里保留的代码。
finding-renamed = 后缀与实际格式不符：文件实际是 { $real }，文件名却表示 { $claimed }{ $extension ->
        [none] {""}
       *[other] ；请勿直接更改后缀：可把后缀改回 .{ $extension }，或用 scanfit convert 另存为所需格式
    }
finding-not_accepted = 不接受 { $format } 格式（只接受 { $accepted }）：请用 scanfit convert 转换
finding-bad_extension = { $extension ->
        [none] 文件名没有后缀
       *[other] 后缀 .{ $extension } 不被接受
    }：备案系统只接受后缀为 { $accepted } 的文件；请把后缀改为 .{ $suggested }
finding-too_small = 文件太小：{ $exact ->
        [1] { $bytes } 字节低于下限 { $min } 字节（{ $size }）
       *[other] { $size } 低于下限 { $min_size }（{ $min } 字节）
    }；scanfit convert 会把它重新编码到规定的大小范围内
finding-too_large = 文件太大：{ $exact ->
        [1] { $bytes } 字节超过上限 { $max } 字节（{ $size }）
       *[other] { $size } 超过上限 { $max_size }（{ $max } 字节）
    }；scanfit convert 会把它重新编码到规定的大小范围内
finding-too_few_pixels = 像素太少：{ $width } × { $height } 像素，低于上传系统要求的最小 { $long } × { $short } 像素；请用更高的分辨率重新扫描或拍照
finding-too_many_pixels = 像素太多：{ $width } × { $height } 像素，超过上传系统允许的最大 { $long } × { $short } 像素
finding-unreadable = 无法读取：{ $problem }
finding-passed_over = 已跳过：{ $why }
finding-not_a_picture = { skip-not_a_picture }
finding-orientation = 带有 EXIF 方向标记 { $orientation }：有的查看器会旋转显示，有的不会；scanfit convert 会把图片转正
finding-gps = EXIF 中有 GPS 位置：会泄露拍摄地点；scanfit convert 会删除它
finding-metadata = 元数据：{ $names }（scanfit convert 会删除）
finding-not_srgb = 颜色配置文件不是 sRGB：不读取它的查看器会显示出不同的颜色；scanfit convert 会转换为 sRGB
finding-cmyk = CMYK：有的查看器显示 CMYK 格式的 JPEG 时颜色不对，或根本无法显示；scanfit convert 会转换为 RGB
finding-animated = 动图：管局审核时可能只看到第一帧；请上传静态图片
finding-grayscale = 灰度图片：看起来是黑白扫描件，备案系统不接受；请对原件进行彩色扫描或彩色拍照
finding-bilevel = 黑白（1 位）扫描件：备案系统不接受黑白扫描件；请对原件进行彩色扫描
finding-blurred = 图片模糊：锐度 { $score } 低于 { $threshold }；请重新扫描或重新拍照，确保文字清晰可见
finding-low_resolution = 分辨率低：长边只有 { $long_edge } 像素，低于 { $min } 像素，小字可能看不清
finding-border_cut = 证件超出了画面：有边或角被截掉；请重新拍摄原件，四边四角完整地拍进画面（包含完整边框）
finding-photocopy = 看起来是复印件（原件有彩色的地方是灰色的）；请勿上传复印件照片，请对原件拍照或彩色扫描
finding-screen_photo = 看起来是翻拍的屏幕；不可隔屏拍摄，请对证件原件拍照或扫描
finding-electronic_copy = 看起来是电子证件（电脑生成或截图），不是拍照或扫描；请勿上传电子证件，请对原件拍照或彩色扫描

## 多页文件某一页上的检查结果。
finding-on_page = 第 { $page } 页：{ $finding }

## "metadata" 结果里元数据的名称，以及它们之间的连接符。
metadata-exif = EXIF
metadata-xmp = XMP
metadata-icc = ICC 颜色配置文件
metadata-other = 注释/文本
list-separator = {"、"}
# 一个文件的多条原因，在表格同一行里的连接符。
list-reasons = {"；"}

## 结论，按表格里显示的样子。
verdict-pass = 通过
verdict-skipped = 已跳过
verdict-warn = 注意
verdict-fail = 不通过
