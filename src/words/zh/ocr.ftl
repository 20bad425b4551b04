# 读取图片上的文字（OCR 引擎）。

## 图片上的文字无法读取的原因（"ocr" 类）。
ocr-load = 内置的文字识别模型（{ $model }）无法加载：{ $detail }（程序已损坏，请重新安装）
ocr-run = 文字识别模型（{ $model }）运行失败：{ $detail }
ocr-output = 文字识别模型（{ $model }）给出的结果形状不符合预期
ocr-no_charset = 内置的文字识别模型缺少字符表（程序已损坏，请重新安装）
