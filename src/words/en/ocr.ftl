# Reading the text on pictures (the OCR engine).

## Why a picture's text could not be read (family "ocr").
ocr-load = the built-in text reading model ({ $model }) does not load: { $detail } (the program is damaged; reinstall it)
ocr-run = the text reading model ({ $model }) failed: { $detail }
ocr-output = the text reading model ({ $model }) gave an answer of an unexpected shape
ocr-no_charset = the built-in text recognition model has no character list (the program is damaged; reinstall it)
