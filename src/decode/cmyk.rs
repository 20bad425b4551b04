//! CMYK ink to RGB, the one place it happens: JPEG files and pages, TIFF pages and raw
//! PDF samples all hand their ink here.
//!
//! With the source's CMYK ICC profile the colours are the ones the profile describes:
//! moxcms evaluates the LUT-based profiles (lut8, lut16, mAB) CMYK profiles are, as
//! Little CMS does (tests/cmyk.rs compares the two). Without a usable profile the
//! generic formula is all there is (each ink takes its share of the light), good
//! enough for the black text of a scanned page and visibly off for colour, which is
//! why convert then warns.

use image::RgbImage;

use crate::error::CmykIccIssue;

/// How a CMYK source's ink became RGB.
#[derive(Debug, Clone, PartialEq)]
pub enum CmykConversion {
    /// Through its embedded ICC profile to sRGB.
    Profile,
    /// With the generic formula: there was no profile, or it could not be used (why).
    Generic {
        /// Why the embedded profile was not used, when there was one.
        profile_ignored: Option<CmykIccIssue>,
    },
}

/// `width × height` pixels of ink (4 samples a pixel, 0 = no ink, C M Y K) as sRGB:
/// through `profile` when it is a usable CMYK profile, by the generic formula
/// otherwise. `ink` must hold exactly the picture's samples.
pub(super) fn to_rgb(
    ink: &[u8],
    width: u32,
    height: u32,
    profile: Option<&[u8]>,
) -> (RgbImage, CmykConversion) {
    match profile.map(|p| with_profile(ink, width, height, p)) {
        Some(Ok(rgb)) => (rgb, CmykConversion::Profile),
        other => {
            let rgb = generic(ink, width, height).expect("the decoder checked the size");
            let profile_ignored = other.and_then(Result::err);
            (rgb, CmykConversion::Generic { profile_ignored })
        }
    }
}

/// Ink to RGB by the generic formula: each ink removes its share of the light, black
/// from all three channels. `None` when `ink` is shorter than the picture; samples
/// past it (row padding, a partial strip) are ignored.
pub(super) fn generic(ink: &[u8], width: u32, height: u32) -> Option<RgbImage> {
    let pixels = (width as usize).checked_mul(height as usize)?;
    let rgb = ink
        .get(..pixels.checked_mul(4)?)?
        .chunks_exact(4)
        .flat_map(|p| {
            let light = 255 - u32::from(p[3]);
            let channel = |c: u8| ((255 - u32::from(c)) * light / 255) as u8;
            [channel(p[0]), channel(p[1]), channel(p[2])]
        })
        .collect();
    RgbImage::from_raw(width, height, rgb)
}

/// Ink to sRGB through the CMYK ICC profile `icc`.
fn with_profile(ink: &[u8], width: u32, height: u32, icc: &[u8]) -> Result<RgbImage, CmykIccIssue> {
    use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};
    let src = ColorProfile::new_from_slice(icc)
        .map_err(|e| CmykIccIssue::Unreadable(format!("{e:?}")))?;
    if src.color_space != DataColorSpace::Cmyk {
        return Err(CmykIccIssue::NotCmyk(format!("{:?}", src.color_space)));
    }
    let unusable = |e: moxcms::CmsError| CmykIccIssue::CannotConvert(format!("{e:?}"));
    // Four 8-bit channels in, three out; moxcms names the 4-channel layout Rgba.
    let transform = src
        .create_transform_8bit(
            Layout::Rgba,
            &ColorProfile::new_srgb(),
            Layout::Rgb,
            TransformOptions::default(),
        )
        .map_err(unusable)?;
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    transform.transform(ink, &mut rgb).map_err(unusable)?;
    RgbImage::from_raw(width, height, rgb)
        .ok_or_else(|| CmykIccIssue::CannotConvert("the pixel buffer has the wrong size".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_formula_takes_each_inks_share_of_the_light() {
        // Paper, full cyan, half black, and full black over any ink.
        let ink = [0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 128, 40, 90, 200, 255];
        let rgb = generic(&ink, 4, 1).unwrap();
        assert_eq!(
            rgb.as_raw(),
            &[255, 255, 255, 0, 255, 255, 127, 127, 127, 0, 0, 0]
        );
        // Extra samples are ignored; missing ones are refused.
        assert!(generic(&[0; 20], 2, 2).is_some());
        assert!(generic(&[0; 15], 2, 2).is_none());
    }

    #[test]
    fn an_unusable_profile_falls_back_to_the_formula_and_says_why() {
        let ink = [0, 0, 0, 0];
        let (rgb, how) = to_rgb(&ink, 1, 1, Some(b"not a profile"));
        assert_eq!(rgb.as_raw(), &[255, 255, 255]);
        assert!(matches!(
            how,
            CmykConversion::Generic {
                profile_ignored: Some(CmykIccIssue::Unreadable(_))
            }
        ));
        let (_, how) = to_rgb(&ink, 1, 1, None);
        assert_eq!(
            how,
            CmykConversion::Generic {
                profile_ignored: None
            }
        );
    }
}
