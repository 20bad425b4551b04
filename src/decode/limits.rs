//! The pixel limit, checked by one function for every decoder (raster, TIFF and PDF
//! pages, HEIF) with the size the file *announces*, before any pixel is decoded: a
//! few-kilobyte "decompression bomb" is refused instead of exhausting memory, and every
//! refusal reads the same. A leaf of its own so the page and HEIF decoders can use it
//! without reaching up into the module that dispatches to them.

use crate::error::Problem;

/// Decoding limits from the batch options.
#[derive(Debug, Clone, Copy)]
pub struct DecodeLimits {
    /// Largest width × height accepted.
    pub max_pixels: u64,
}

impl DecodeLimits {
    /// Refuses a picture of `width` × `height` over the limit, or one with no pixels at
    /// all (a header that says 0 is not a picture anyone can upload).
    pub fn check(self, width: u32, height: u32) -> Result<(), Problem> {
        if width == 0 || height == 0 || u64::from(width) * u64::from(height) > self.max_pixels {
            return Err(Problem::TooManyPixels {
                width,
                height,
                max: self.max_pixels,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_inclusive_and_empty_pictures_are_refused() {
        let limits = DecodeLimits { max_pixels: 6 };
        assert!(limits.check(2, 3).is_ok());
        assert!(matches!(
            limits.check(7, 1),
            Err(Problem::TooManyPixels {
                width: 7,
                height: 1,
                max: 6
            })
        ));
        assert!(limits.check(0, 3).is_err() && limits.check(3, 0).is_err());
        // No overflow on the largest sizes a header can state.
        assert!(DecodeLimits {
            max_pixels: u64::MAX
        }
        .check(u32::MAX, u32::MAX)
        .is_ok());
    }
}
