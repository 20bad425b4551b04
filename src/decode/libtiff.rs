//! The TIFF layouts the pure-Rust `tiff` crate refuses, read by the system's libtiff,
//! loaded at *run time*.
//!
//! Fax machines, multifunction scanners and Windows scanning tools write layouts the
//! `tiff` crate does not decode: CCITT Group 3 ("TIFF-F") and modified Huffman (CCITT
//! RLE) fax pages, palette pages, old-style JPEG and YCbCr-subsampled pages, separate
//! colour planes, fill order 2, CIE Lab, LZMA/WebP/ZSTD compression, BigTIFF, and
//! signed, 12/24/32-bit and floating-point samples. libtiff reads all of them, and every
//! Linux desktop has it (Debian/Ubuntu: `libtiff6`). [`tiff`](super::tiff) tries the
//! `tiff` crate first — memory-safe Rust for the common layouts — and hands a page here
//! only when the crate could not decode it.
//!
//! Why dlopen instead of a `-sys` crate: linking needs libtiff's headers and library at
//! build time (`libtiff-dev`), and a vendored build would compile libtiff with libjpeg,
//! zlib, liblzma and friends from C. Loading `libtiff.so.6` (or the older `.so.5`) with
//! `libloading`, as [`heif`](super::heif) loads libheif, keeps `cargo build` free of C
//! dependencies and uses the distribution's patched library; a machine without libtiff
//! still reads every layout the crate knows and names the package for the rest
//! ([`TiffLibError::LibraryMissing`]).
//!
//! Safety of use: the file is read from memory through `TIFFClientOpen` callbacks (no
//! path, no temporary file); libtiff's error and warning handlers are replaced once, for
//! the whole process, by handlers that print nothing and hand the error text to the
//! decoding thread, which returns it in the error; every page is checked against the
//! pixel limit before its pixels are read, and on libtiff ≥ 4.5 each single allocation
//! libtiff makes is capped as well.

use std::cell::RefCell;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr::{self, NonNull};
use std::sync::OnceLock;

use image::{DynamicImage, ImageBuffer, Luma, LumaA, Rgb, Rgba};
use libloading::Library;

use super::cmyk;
use super::dlopen::load_first;
use super::limits::DecodeLimits;
use super::pages::{Page, PageError, MAX_PAGES};
use super::samples::icc_matches;
use crate::error::Problem;
pub use crate::error::TiffLibError;
use crate::metadata::{Resolution, Unit};

/// Whether libtiff can be loaded on this machine.
pub fn available() -> bool {
    api().is_ok()
}

/// The page count of a TIFF (or BigTIFF) that only libtiff can open, and its pages, each
/// decoded when it is taken.
pub fn pages(
    bytes: &[u8],
    limits: DecodeLimits,
) -> Result<(u32, impl Iterator<Item = Result<Page, Problem>> + '_), PageError> {
    let count = page_count(bytes)?;
    let iter = (1..=count).map(move |number| page(bytes, number, limits));
    Ok((count, iter))
}

/// Counts the directories (pages) libtiff finds, refusing more than [`MAX_PAGES`].
fn page_count(bytes: &[u8]) -> Result<u32, PageError> {
    let tiff = Tiff::open(bytes, None).map_err(|e| PageError::Tiff(e.to_string()))?;
    let mut count = 1u32;
    // SAFETY: `tiff.ptr` is a live handle; libtiff detects loops in the directory chain.
    while unsafe { (tiff.api.read_directory)(tiff.ptr.as_ptr()) } == 1 {
        count += 1;
        if count > MAX_PAGES {
            return Err(PageError::Tiff(format!("more than {MAX_PAGES} pages")));
        }
    }
    Ok(count)
}

/// Decodes page `number` (1-based) of a TIFF with libtiff: upright (the `Orientation`
/// tag applied), alpha un-premultiplied, with its ICC profile when it still describes
/// the pixels.
pub fn page(bytes: &[u8], number: u32, limits: DecodeLimits) -> Result<Page, Problem> {
    let budget = limits.max_pixels.saturating_mul(8).saturating_add(16 << 20);
    let tiff = Tiff::open(bytes, Some(budget)).map_err(|e| match e {
        OpenError::Missing(e) => Problem::from(e),
        OpenError::Refused(detail) => PageError::Corrupt {
            page: number,
            detail,
        }
        .into(),
    })?;
    let damaged = |detail: String| PageError::Corrupt {
        page: number,
        detail,
    };
    // SAFETY: live handle; directories are 0-based.
    if unsafe { (tiff.api.set_directory)(tiff.ptr.as_ptr(), number - 1) } != 1 {
        return Err(damaged(tiff.last_error("the page's directory cannot be read")).into());
    }
    let layout = tiff.layout();
    // What went wrong before this page is not this page's fault.
    take_errors();
    limits.check(layout.width, layout.height)?;
    tiff.data_inside(bytes.len() as u64).map_err(damaged)?;
    let image = if layout.photometric == Some(PHOTOMETRIC_CIELAB) {
        tiff.read_lab(&layout).map_err(damaged)?
    } else if layout.is_cmyk() {
        tiff.read_cmyk(&layout).map_err(damaged)?
    } else if layout.suits_rgba() && tiff.rgba_ok() {
        tiff.read_rgba(&layout).map_err(damaged)?
    } else if let Some(channels) = layout.raw_channels() {
        tiff.read_raw(&layout, channels).map_err(damaged)?
    } else {
        return Err(PageError::UnsupportedColor {
            page: number,
            what: tiff.last_error_or_rgba_refusal(&layout),
        }
        .into());
    };
    let image = match image::metadata::Orientation::from_exif(layout.orientation) {
        Some(o) => {
            let mut image = image;
            image.apply_orientation(o);
            image
        }
        None => image,
    };
    let icc = tiff.icc().filter(|p| icc_matches(p, &image));
    // Orientations 5–8 turn the page a quarter: across becomes down.
    let resolution = match layout.orientation {
        5..=8 => tiff.resolution().map(Resolution::transposed),
        _ => tiff.resolution(),
    };
    Ok(Page {
        number,
        image,
        icc,
        resolution,
    })
}

// ---------------------------------------------------------------------------------------
// What a page is made of, from its tags.

const PHOTOMETRIC_MINISWHITE: u16 = 0;
const PHOTOMETRIC_MINISBLACK: u16 = 1;
const PHOTOMETRIC_RGB: u16 = 2;
const PHOTOMETRIC_SEPARATED: u16 = 5;
const PHOTOMETRIC_CIELAB: u16 = 8;
const SAMPLEFORMAT_UINT: u16 = 1;
const SAMPLEFORMAT_INT: u16 = 2;
const SAMPLEFORMAT_IEEEFP: u16 = 3;
const SAMPLEFORMAT_VOID: u16 = 4;
const PLANARCONFIG_SEPARATE: u16 = 2;

/// The tags that decide how a page is decoded.
#[derive(Debug, Clone)]
struct Layout {
    width: u32,
    height: u32,
    bits: u16,
    samples: u16,
    format: u16,
    /// `None` when the tag is missing (some scientific writers omit it).
    photometric: Option<u16>,
    separate_planes: bool,
    tiled: bool,
    orientation: u8,
    /// InkSet 1 (the default): the four inks are cyan, magenta, yellow and black.
    cmyk_inks: bool,
}

impl Layout {
    /// libtiff's RGBA interface converts every colour layout (palette, YCbCr, Lab, CMYK,
    /// 1-bit, old-style JPEG) but reads samples as unsigned integers of up to 16 bits.
    fn suits_rgba(&self) -> bool {
        matches!(self.format, SAMPLEFORMAT_UINT | SAMPLEFORMAT_VOID)
            && matches!(self.bits, 1 | 2 | 4 | 8 | 16)
    }

    /// CMYK ink (separated, 4 or more samples, 8 or 16 bits) that can be read sample
    /// by sample, so it becomes RGB where the `tiff` crate's CMYK pages do
    /// ([`cmyk`](super::cmyk)), by the same formula. (libtiff's RGBA interface uses that
    /// formula too, and stays the route for tiled CMYK pages.)
    fn is_cmyk(&self) -> bool {
        self.photometric == Some(PHOTOMETRIC_SEPARATED)
            && self.cmyk_inks
            && self.samples >= 4
            && matches!(self.bits, 8 | 16)
            && matches!(self.format, SAMPLEFORMAT_UINT | SAMPLEFORMAT_VOID)
            && !self.tiled
    }

    /// The colour channels (1 grey, 3 RGB) when the samples can be read one by one
    /// instead: grey or RGB pages of any integer or floating-point sample format.
    fn raw_channels(&self) -> Option<usize> {
        let channels = match self.photometric {
            Some(PHOTOMETRIC_MINISBLACK | PHOTOMETRIC_MINISWHITE) => 1,
            Some(PHOTOMETRIC_RGB) => 3,
            None if self.samples >= 3 => 3,
            None => 1,
            Some(_) => return None,
        };
        let bits_ok = match self.format {
            SAMPLEFORMAT_IEEEFP => matches!(self.bits, 32 | 64),
            _ => (1..=32).contains(&self.bits) || self.bits == 64,
        };
        (bits_ok && !self.tiled && usize::from(self.samples) >= channels).then_some(channels)
    }
}

impl Tiff<'_> {
    fn layout(&self) -> Layout {
        let t = self.ptr.as_ptr();
        let api = self.api;
        let (mut width, mut height) = (0u32, 0u32);
        let (mut bits, mut samples, mut format) = (1u16, 1u16, SAMPLEFORMAT_UINT);
        let (mut photometric, mut planar, mut orientation) = (u16::MAX, 1u16, 1u16);
        let mut inkset = 1u16;
        // SAFETY: each tag is read into the C type libtiff documents for it (uint32 for
        // the sizes, uint16 for the rest); the defaulted getter fills in TIFF's defaults.
        let (has_photometric, tiled) = unsafe {
            (api.get_field)(t, TAG_IMAGEWIDTH, &mut width as *mut u32);
            (api.get_field)(t, TAG_IMAGELENGTH, &mut height as *mut u32);
            (api.get_field_defaulted)(t, TAG_BITSPERSAMPLE, &mut bits as *mut u16);
            (api.get_field_defaulted)(t, TAG_SAMPLESPERPIXEL, &mut samples as *mut u16);
            (api.get_field_defaulted)(t, TAG_SAMPLEFORMAT, &mut format as *mut u16);
            (api.get_field_defaulted)(t, TAG_PLANARCONFIG, &mut planar as *mut u16);
            (api.get_field_defaulted)(t, TAG_ORIENTATION, &mut orientation as *mut u16);
            (api.get_field_defaulted)(t, TAG_INKSET, &mut inkset as *mut u16);
            (
                (api.get_field)(t, TAG_PHOTOMETRIC, &mut photometric as *mut u16) == 1,
                (api.is_tiled)(t) != 0,
            )
        };
        Layout {
            width,
            height,
            bits,
            samples,
            format,
            photometric: has_photometric.then_some(photometric),
            separate_planes: planar == PLANARCONFIG_SEPARATE,
            tiled,
            orientation: u8::try_from(orientation).unwrap_or(1),
            cmyk_inks: inkset == 1,
        }
    }

    /// Whether libtiff's RGBA interface can convert the current page; its refusal is kept
    /// as the thread's last error.
    fn rgba_ok(&self) -> bool {
        let mut message = [0 as c_char; 1024];
        // SAFETY: `message` has the 1024 bytes the function may write.
        let ok = unsafe { (self.api.rgba_image_ok)(self.ptr.as_ptr(), message.as_mut_ptr()) };
        if ok != 1 {
            // SAFETY: libtiff writes a NUL-terminated message into the buffer.
            let text = unsafe { CStr::from_ptr(message.as_ptr()) };
            record(text.to_string_lossy().into_owned());
        }
        ok == 1
    }

    fn last_error_or_rgba_refusal(&self, layout: &Layout) -> String {
        self.last_error(&format!(
            "a TIFF layout libtiff cannot convert ({} bits, {} samples, photometric {:?})",
            layout.bits, layout.samples, layout.photometric
        ))
    }

    /// The page through libtiff's RGBA interface: 8-bit grey, RGB or RGBA as stored
    /// (not yet turned upright).
    fn read_rgba(&self, layout: &Layout) -> Result<DynamicImage, String> {
        let (w, h) = (layout.width, layout.height);
        let mut raster = vec![0u32; w as usize * h as usize];
        // Asking for the page's own orientation makes libtiff leave the rows as stored,
        // so the orientation is applied once, by the caller, for every orientation
        // (libtiff's own handling flips but never transposes, so it cannot do 5–8).
        let orientation = c_int::from(layout.orientation.clamp(1, 8));
        // SAFETY: `raster` holds w × h 32-bit pixels, the size we pass; stop_on_error = 1.
        let ok = unsafe {
            (self.api.read_rgba_image_oriented)(
                self.ptr.as_ptr(),
                w,
                h,
                raster.as_mut_ptr(),
                orientation,
                1,
            )
        };
        if ok != 1 {
            return Err(self.last_error("the page's pixel data cannot be decoded"));
        }
        // TIFFGetR/G/B/A: red in the low byte, whatever the machine's byte order.
        let channel = |p: u32, i: u32| (p >> (8 * i)) as u8;
        let opaque = raster.iter().all(|&p| channel(p, 3) == 255);
        let grey = matches!(
            layout.photometric,
            Some(PHOTOMETRIC_MINISBLACK | PHOTOMETRIC_MINISWHITE)
        );
        // libtiff hands out premultiplied (associated) alpha; the rest of the pipeline
        // expects straight alpha, as PNG stores it.
        let straight = |p: u32, i: u32| unpremultiply(channel(p, i), channel(p, 3));
        let image = match (grey, opaque) {
            (true, true) => {
                let v = raster.iter().map(|&p| channel(p, 0)).collect();
                ImageBuffer::<Luma<u8>, _>::from_raw(w, h, v).map(DynamicImage::ImageLuma8)
            }
            (false, true) => {
                let v = raster
                    .iter()
                    .flat_map(|&p| [0, 1, 2].map(|i| channel(p, i)));
                ImageBuffer::<Rgb<u8>, _>::from_raw(w, h, v.collect()).map(DynamicImage::ImageRgb8)
            }
            (true, false) => {
                let v = raster.iter().flat_map(|&p| [straight(p, 0), channel(p, 3)]);
                ImageBuffer::<LumaA<u8>, _>::from_raw(w, h, v.collect())
                    .map(DynamicImage::ImageLumaA8)
            }
            (false, false) => {
                let v = raster.iter().flat_map(|&p| {
                    [
                        straight(p, 0),
                        straight(p, 1),
                        straight(p, 2),
                        channel(p, 3),
                    ]
                });
                ImageBuffer::<Rgba<u8>, _>::from_raw(w, h, v.collect())
                    .map(DynamicImage::ImageRgba8)
            }
        };
        image.ok_or_else(|| "the decoded page has the wrong size".into())
    }
}

fn unpremultiply(c: u8, a: u8) -> u8 {
    if a == 0 {
        0
    } else {
        ((u32::from(c) * 255 + u32::from(a) / 2) / u32::from(a)).min(255) as u8
    }
}

// ---------------------------------------------------------------------------------------
// Samples that need no colour conversion, read one by one: signed, 12/24/32-bit and
// floating-point grey or RGB, which libtiff's RGBA interface refuses or misreads.

/// How stored sample values become 16-bit output.
#[derive(Debug, Clone, Copy)]
struct Scale {
    offset: f64,
    factor: f64,
}

impl Scale {
    fn to_u16(self, v: f64) -> u16 {
        let v = (v - self.offset) * self.factor;
        if v.is_nan() {
            0
        } else {
            v.clamp(0.0, 65535.0).round() as u16
        }
    }
}

impl Tiff<'_> {
    /// Grey or RGB samples of any integer or floating-point format as 16-bit, not yet
    /// upright. Extra samples (alpha included) are left out: such pages are measurement
    /// data, not documents with transparent backgrounds.
    ///
    /// Unsigned samples of up to 16 bits (a 12-bit scanner's grey) keep their meaning:
    /// the largest value is white. Floating-point samples within 0–1 are read as 0 =
    /// black, 1 = white, as image editors read them. Other samples (signed, 24 to 64-bit,
    /// floats outside 0–1) have no agreed display range, so the page's darkest value
    /// becomes black and its brightest white, as scientific viewers show them; a page of
    /// a single such value comes out black.
    fn read_raw(&self, layout: &Layout, channels: usize) -> Result<DynamicImage, String> {
        let full_scale = layout.format != SAMPLEFORMAT_IEEEFP
            && layout.format != SAMPLEFORMAT_INT
            && layout.bits <= 16;
        let scale = if full_scale {
            Scale {
                offset: 0.0,
                factor: 65535.0 / f64::from((1u32 << layout.bits) - 1),
            }
        } else {
            let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
            self.for_each_row(layout, channels, |values| {
                for &v in values.iter().filter(|v| v.is_finite()) {
                    min = min.min(v);
                    max = max.max(v);
                }
            })?;
            if layout.format == SAMPLEFORMAT_IEEEFP && min >= 0.0 && max <= 1.0 {
                (min, max) = (0.0, 1.0);
            }
            Scale {
                offset: min,
                factor: if max > min {
                    65535.0 / (max - min)
                } else {
                    0.0
                },
            }
        };
        let invert = layout.photometric == Some(PHOTOMETRIC_MINISWHITE);
        let (w, h) = (layout.width, layout.height);
        let mut out: Vec<u16> = Vec::with_capacity(w as usize * h as usize * channels);
        self.for_each_row(layout, channels, |values| {
            out.extend(values.iter().map(|&v| {
                let s = scale.to_u16(v);
                if invert {
                    65535 - s
                } else {
                    s
                }
            }));
        })?;
        let image = if channels == 1 {
            ImageBuffer::<Luma<u16>, _>::from_raw(w, h, out).map(DynamicImage::ImageLuma16)
        } else {
            ImageBuffer::<Rgb<u16>, _>::from_raw(w, h, out).map(DynamicImage::ImageRgb16)
        };
        image.ok_or_else(|| "the decoded page has the wrong size".into())
    }

    /// Calls `f` with each row's colour samples, interleaved (`channels` per pixel), as
    /// numbers. Stripped pages only (checked by [`Layout::raw_channels`] and
    /// [`Layout::is_cmyk`]).
    fn for_each_row(
        &self,
        layout: &Layout,
        channels: usize,
        mut f: impl FnMut(&[f64]),
    ) -> Result<(), String> {
        let t = self.ptr.as_ptr();
        // SAFETY: live handle.
        let line = unsafe { (self.api.scanline_size)(t) };
        let line = usize::try_from(line)
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| self.last_error("the page's rows have no size"))?;
        let read = |buffer: &mut [u8], row: u32, plane: u16| {
            // SAFETY: `buffer` holds TIFFScanlineSize bytes, what one row (of one plane)
            // takes.
            let ok = unsafe { (self.api.read_scanline)(t, buffer.as_mut_ptr().cast(), row, plane) };
            if ok == 1 {
                Ok(())
            } else {
                Err(self.last_error("a row of the page cannot be decoded"))
            }
        };
        let (width, height) = (layout.width as usize, layout.height as usize);
        let short = || "a row holds fewer samples than the page is wide".to_string();
        let mut values = vec![0f64; width * channels];
        if layout.separate_planes {
            // A compressed strip decodes front to back only, and each holds rows of one
            // plane: every row of a plane is read before the next plane's.
            let mut planes = vec![vec![0u8; line * height]; channels];
            for (plane, stored) in (0u16..).zip(planes.iter_mut()) {
                for (row, buffer) in (0u32..).zip(stored.chunks_exact_mut(line)) {
                    read(buffer, row, plane)?;
                }
            }
            for row in 0..height {
                for (c, stored) in planes.iter().enumerate() {
                    let buffer = &stored[row * line..(row + 1) * line];
                    for x in 0..width {
                        values[x * channels + c] = sample(buffer, x, layout).ok_or_else(short)?;
                    }
                }
                f(&values);
            }
            return Ok(());
        }
        let mut buffer = vec![0u8; line];
        let per_row = usize::from(layout.samples);
        for row in 0..layout.height {
            read(&mut buffer, row, 0)?;
            for x in 0..width {
                for c in 0..channels {
                    values[x * channels + c] =
                        sample(&buffer, x * per_row + c, layout).ok_or_else(short)?;
                }
            }
            f(&values);
        }
        Ok(())
    }
}

/// Sample `index` of a decoded row. libtiff has already put 16, 24, 32 and 64-bit
/// samples in the machine's byte order; other widths stay packed, first bit first.
fn sample(row: &[u8], index: usize, layout: &Layout) -> Option<f64> {
    let bits = usize::from(layout.bits);
    let bytes = |n: usize| row.get(index * n..index * n + n);
    let raw: u64 = match bits {
        8 => u64::from(*row.get(index)?),
        16 => u64::from(u16::from_ne_bytes(bytes(2)?.try_into().ok()?)),
        24 => {
            let b = bytes(3)?;
            let le = [b[0], b[1], b[2], 0];
            let be = [0, b[0], b[1], b[2]];
            u64::from(if cfg!(target_endian = "little") {
                u32::from_le_bytes(le)
            } else {
                u32::from_be_bytes(be)
            })
        }
        32 => u64::from(u32::from_ne_bytes(bytes(4)?.try_into().ok()?)),
        64 => u64::from_ne_bytes(bytes(8)?.try_into().ok()?),
        _ => {
            let start = index.checked_mul(bits)?;
            let mut v = 0u64;
            for bit in start..start + bits {
                v = (v << 1) | u64::from((row.get(bit / 8)? >> (7 - bit % 8)) & 1);
            }
            v
        }
    };
    Some(match layout.format {
        SAMPLEFORMAT_IEEEFP if bits == 32 => f64::from(f32::from_bits(raw as u32)),
        SAMPLEFORMAT_IEEEFP => f64::from_bits(raw),
        SAMPLEFORMAT_INT => {
            let shift = 64 - bits as u32;
            ((raw << shift) as i64 >> shift) as f64
        }
        _ => raw as f64,
    })
}

impl Tiff<'_> {
    /// CMYK ink to 8-bit RGB through [`cmyk::generic`], not yet upright. 16-bit ink keeps
    /// its top byte, as the `tiff` crate's 16-bit CMYK pages do.
    fn read_cmyk(&self, layout: &Layout) -> Result<DynamicImage, String> {
        let shift = layout.bits - 8;
        let mut ink = Vec::with_capacity(layout.width as usize * layout.height as usize * 4);
        self.for_each_row(layout, 4, |values| {
            ink.extend(values.iter().map(|&v| (v as u32 >> shift) as u8));
        })?;
        cmyk::generic(&ink, layout.width, layout.height)
            .map(DynamicImage::ImageRgb8)
            .ok_or_else(|| "the decoded page has the wrong size".into())
    }

    /// XResolution and YResolution in the ResolutionUnit (inches when it is missing).
    fn resolution(&self) -> Option<Resolution> {
        let t = self.ptr.as_ptr();
        let (mut x, mut y, mut unit) = (0f32, 0f32, 2u16);
        // SAFETY: libtiff hands out both resolutions as C floats, the unit as uint16.
        let found = unsafe {
            (self.api.get_field)(t, TAG_XRESOLUTION, &mut x as *mut f32) == 1
                && (self.api.get_field)(t, TAG_YRESOLUTION, &mut y as *mut f32) == 1
                && (self.api.get_field_defaulted)(t, TAG_RESOLUTIONUNIT, &mut unit as *mut u16) == 1
        };
        let unit = Unit::tiff(Some(u32::from(unit)))?;
        found.then(|| Resolution::per(f64::from(x), f64::from(y), unit))?
    }
}

// ---------------------------------------------------------------------------------------
// CIE L*a*b* pages (photometric 8), converted here: libtiff's RGBA interface converts
// them through a generic display model that was up to 28 levels off the colours
// ImageMagick wrote into the fixture (Pillow, converting with the formulas below, was
// within 5).

impl Tiff<'_> {
    /// 8 or 16-bit CIE L*a*b* (L* unsigned, a* and b* signed) to 8-bit sRGB, D65 white
    /// (TIFF 6.0 §23 leaves the white point to the WhitePoint tag; D65 is what writers
    /// that omit it, ImageMagick among them, use).
    fn read_lab(&self, layout: &Layout) -> Result<DynamicImage, String> {
        if !matches!(layout.bits, 8 | 16) || layout.samples < 3 || layout.tiled {
            return Err(format!(
                "a CIE L*a*b* layout scanfit does not read ({} bits, {} samples{})",
                layout.bits,
                layout.samples,
                if layout.tiled { ", tiled" } else { "" }
            ));
        }
        let unsigned = Layout {
            format: SAMPLEFORMAT_UINT,
            ..layout.clone()
        };
        let full = f64::from((1u32 << layout.bits) - 1);
        let half = f64::from(1u32 << (layout.bits - 1));
        let signed = |v: f64| if v >= half { v - 2.0 * half } else { v };
        // a* and b* steps are one unit at 8 bits, 1/256 at 16.
        let ab_unit = if layout.bits == 16 { 256.0 } else { 1.0 };
        let mut out = Vec::with_capacity(layout.width as usize * layout.height as usize * 3);
        self.for_each_row(&unsigned, 3, |values| {
            for px in values.chunks_exact(3) {
                let l = px[0] * 100.0 / full;
                out.extend(lab_to_srgb(
                    l,
                    signed(px[1]) / ab_unit,
                    signed(px[2]) / ab_unit,
                ));
            }
        })?;
        ImageBuffer::<Rgb<u8>, _>::from_raw(layout.width, layout.height, out)
            .map(DynamicImage::ImageRgb8)
            .ok_or_else(|| "the decoded page has the wrong size".into())
    }
}

/// CIE L*a*b* (D65) to 8-bit sRGB (IEC 61966-2-1), by the CIE 15 formulas.
fn lab_to_srgb(l: f64, a: f64, b: f64) -> [u8; 3] {
    const D65: [f64; 3] = [0.950_47, 1.0, 1.088_83];
    let finv = |t: f64| {
        if t > 6.0 / 29.0 {
            t * t * t
        } else {
            3.0 * (6.0f64 / 29.0).powi(2) * (t - 4.0 / 29.0)
        }
    };
    let fy = (l + 16.0) / 116.0;
    let [x, y, z] = [
        D65[0] * finv(fy + a / 500.0),
        D65[1] * finv(fy),
        D65[2] * finv(fy - b / 200.0),
    ];
    let linear = [
        3.240_454_2 * x - 1.537_138_5 * y - 0.498_531_4 * z,
        -0.969_266_0 * x + 1.876_010_8 * y + 0.041_556_0 * z,
        0.055_643_4 * x - 0.204_025_9 * y + 1.057_225_2 * z,
    ];
    linear.map(|c| {
        let c = c.clamp(0.0, 1.0);
        let encoded = if c <= 0.003_130_8 {
            12.92 * c
        } else {
            1.055 * c.powf(1.0 / 2.4) - 0.055
        };
        (encoded * 255.0).round() as u8
    })
}

// ---------------------------------------------------------------------------------------
// An open file, read from memory.

/// The bytes libtiff reads through the client callbacks.
struct Source<'a> {
    bytes: &'a [u8],
    position: u64,
}

/// An open TIFF. Dropping it closes the handle before the source it reads goes away.
struct Tiff<'a> {
    api: &'static Api,
    ptr: NonNull<c_void>,
    _source: Box<Source<'a>>,
}

impl Drop for Tiff<'_> {
    fn drop(&mut self) {
        // SAFETY: the handle is live and closed exactly once; `_source` outlives the call.
        unsafe { (self.api.close)(self.ptr.as_ptr()) };
    }
}

enum OpenError {
    Missing(TiffLibError),
    Refused(String),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Missing(e) => e.fmt(f),
            OpenError::Refused(detail) => f.write_str(detail),
        }
    }
}

impl<'a> Tiff<'a> {
    /// Opens `bytes` read-only, without memory-mapping (mode "rm"): libtiff copies what
    /// it reads through [`read_proc`], so it never writes into or keeps pointers to the
    /// caller's buffer. `max_alloc` caps each single allocation where libtiff can.
    fn open(bytes: &'a [u8], max_alloc: Option<u64>) -> Result<Tiff<'a>, OpenError> {
        let api = api().map_err(OpenError::Missing)?;
        let mut source = Box::new(Source { bytes, position: 0 });
        let handle: *mut c_void = ptr::addr_of_mut!(*source).cast();
        take_errors();
        let name = c"scanfit input".as_ptr();
        let mode = c"rm".as_ptr();
        // SAFETY: the callbacks match libtiff's prototypes and only touch `source`,
        // which the returned `Tiff` owns and keeps alive until after TIFFClose.
        let raw = unsafe {
            match (&api.options, max_alloc) {
                (Some(o), Some(max)) => {
                    let options = (o.alloc)();
                    if !options.is_null() {
                        (o.set_max_single_mem_alloc)(
                            options,
                            isize::try_from(max).unwrap_or(isize::MAX),
                        );
                    }
                    let t = (o.client_open_ext)(
                        name, mode, handle, read_proc, write_proc, seek_proc, close_proc,
                        size_proc, map_proc, unmap_proc, options,
                    );
                    if !options.is_null() {
                        (o.free)(options);
                    }
                    t
                }
                _ => (api.client_open)(
                    name, mode, handle, read_proc, write_proc, seek_proc, close_proc, size_proc,
                    map_proc, unmap_proc,
                ),
            }
        };
        match NonNull::new(raw) {
            Some(ptr) => Ok(Tiff {
                api,
                ptr,
                _source: source,
            }),
            None => Err(OpenError::Refused(last_error_or(
                "libtiff cannot open the file",
            ))),
        }
    }

    /// The last error libtiff reported on this thread, or `fallback`.
    fn last_error(&self, fallback: &str) -> String {
        last_error_or(fallback)
    }

    /// Refuses a page whose strips or tiles run past the end of the file. libtiff's JPEG
    /// and old-JPEG decoders only *warn* about data cut short and fill the rest with
    /// grey; a file cut by an interrupted copy must be reported, not converted into
    /// half a document. (Skipped on libtiff before 4.1, which lacks the getters.)
    fn data_inside(&self, file_len: u64) -> Result<(), String> {
        let Some(striles) = &self.api.striles else {
            return Ok(());
        };
        let t = self.ptr.as_ptr();
        // SAFETY: live handle; the getters take an index below the count they report.
        unsafe {
            let count = if (self.api.is_tiled)(t) != 0 {
                (striles.number_of_tiles)(t)
            } else {
                (striles.number_of_strips)(t)
            };
            for i in 0..count {
                let end = (striles.offset)(t, i).saturating_add((striles.byte_count)(t, i));
                if end > file_len {
                    return Err(format!(
                        "the file ends before the page's picture data does ({end} bytes needed, {file_len} present)"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The current page's ICC profile, if any.
    fn icc(&self) -> Option<Vec<u8>> {
        let mut count = 0u32;
        let mut data: *const u8 = ptr::null();
        // SAFETY: ICCProfile is read as (uint32 count, void** data); the data belongs to
        // the directory and is copied before the next libtiff call.
        let found = unsafe {
            (self.api.get_field)(
                self.ptr.as_ptr(),
                TAG_ICCPROFILE,
                &mut count as *mut u32,
                &mut data as *mut *const u8,
            )
        };
        if found != 1 || data.is_null() || count == 0 {
            return None;
        }
        // SAFETY: libtiff reports `count` bytes at `data`.
        Some(unsafe { std::slice::from_raw_parts(data, count as usize) }.to_vec())
    }
}

unsafe extern "C" fn read_proc(handle: *mut c_void, buffer: *mut c_void, size: isize) -> isize {
    // SAFETY: `handle` is the `Source` passed to TIFFClientOpen, alive while the TIFF is.
    let source = unsafe { &mut *handle.cast::<Source>() };
    let Ok(start) = usize::try_from(source.position) else {
        return 0;
    };
    let available = source.bytes.len().saturating_sub(start);
    let n = usize::try_from(size).unwrap_or(0).min(available);
    if n > 0 {
        // SAFETY: libtiff passes a buffer of at least `size` bytes; `n` ≤ size and the
        // source range start..start + n is inside `bytes`.
        unsafe { ptr::copy_nonoverlapping(source.bytes.as_ptr().add(start), buffer.cast(), n) };
    }
    source.position += n as u64;
    n as isize
}

unsafe extern "C" fn write_proc(_: *mut c_void, _: *mut c_void, _: isize) -> isize {
    -1
}

unsafe extern "C" fn seek_proc(handle: *mut c_void, offset: u64, whence: c_int) -> u64 {
    // SAFETY: as in `read_proc`.
    let source = unsafe { &mut *handle.cast::<Source>() };
    let base = match whence {
        0 => 0,
        1 => source.position,
        2 => source.bytes.len() as u64,
        _ => return u64::MAX,
    };
    // Offsets are unsigned in the prototype; a seek backwards arrives as a wrapped
    // negative number, so add with wrapping and reject what lands before the start.
    let target = i128::from(base) + i128::from(offset as i64);
    match u64::try_from(target) {
        Ok(position) => {
            source.position = position;
            position
        }
        Err(_) => u64::MAX,
    }
}

unsafe extern "C" fn close_proc(_: *mut c_void) -> c_int {
    0
}

unsafe extern "C" fn size_proc(handle: *mut c_void) -> u64 {
    // SAFETY: as in `read_proc`.
    unsafe { &*handle.cast::<Source>() }.bytes.len() as u64
}

unsafe extern "C" fn map_proc(_: *mut c_void, _: *mut *mut c_void, _: *mut u64) -> c_int {
    0
}

unsafe extern "C" fn unmap_proc(_: *mut c_void, _: *mut c_void, _: u64) {}

// ---------------------------------------------------------------------------------------
// libtiff's messages: never printed, kept for the thread that caused them.

thread_local! {
    /// The errors libtiff reported on this thread since the last [`take_errors`].
    static ERRORS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

fn record(message: String) {
    ERRORS.with(|e| e.borrow_mut().push(message));
}

fn take_errors() -> Vec<String> {
    ERRORS.with(|e| std::mem::take(&mut *e.borrow_mut()))
}

/// The first error libtiff reported since the last call (the first names the cause; the
/// ones after it are consequences), or `fallback`.
fn last_error_or(fallback: &str) -> String {
    take_errors()
        .into_iter()
        .next()
        .unwrap_or_else(|| fallback.to_string())
}

/// C's `va_list` as a handler receives it. On x86-64 and AArch64 Linux (and every other
/// target Rust supports with libtiff) a `va_list` parameter is passed as one pointer —
/// the array type decays, or the 32-byte AArch64 struct is passed by reference — which
/// is what `vsnprintf` expects back. It is only ever handed on, never read.
type VaList = *mut c_void;

extern "C" {
    fn vsnprintf(s: *mut c_char, n: usize, format: *const c_char, args: VaList) -> c_int;
}

/// The module name libtiff passes (a function name) is left out: it means something
/// only to a libtiff developer.
unsafe extern "C" fn error_handler(_module: *const c_char, format: *const c_char, args: VaList) {
    let mut text = [0 as c_char; 512];
    // SAFETY: `format` and `args` come from libtiff as a pair; the buffer size is passed.
    let written = unsafe { vsnprintf(text.as_mut_ptr(), text.len(), format, args) };
    let message = if written >= 0 {
        // SAFETY: vsnprintf NUL-terminates within the buffer.
        unsafe { CStr::from_ptr(text.as_ptr()) }
            .to_string_lossy()
            .into_owned()
    } else {
        String::from("libtiff reported an error")
    };
    record(message);
}

/// Warnings (unknown tags, odd but readable values) are not failures and are dropped.
unsafe extern "C" fn warning_handler(_: *const c_char, _: *const c_char, _: VaList) {}

// ---------------------------------------------------------------------------------------
// The C ABI (tiffio.h). Only what this module calls is declared.

const TAG_IMAGEWIDTH: u32 = 256;
const TAG_IMAGELENGTH: u32 = 257;
const TAG_BITSPERSAMPLE: u32 = 258;
const TAG_PHOTOMETRIC: u32 = 262;
const TAG_ORIENTATION: u32 = 274;
const TAG_XRESOLUTION: u32 = 282;
const TAG_YRESOLUTION: u32 = 283;
const TAG_RESOLUTIONUNIT: u32 = 296;
const TAG_SAMPLESPERPIXEL: u32 = 277;
const TAG_PLANARCONFIG: u32 = 284;
const TAG_INKSET: u32 = 332;
const TAG_SAMPLEFORMAT: u32 = 339;
const TAG_ICCPROFILE: u32 = 34675;

type ReadWriteProc = unsafe extern "C" fn(*mut c_void, *mut c_void, isize) -> isize;
type SeekProc = unsafe extern "C" fn(*mut c_void, u64, c_int) -> u64;
type CloseProc = unsafe extern "C" fn(*mut c_void) -> c_int;
type SizeProc = unsafe extern "C" fn(*mut c_void) -> u64;
type MapProc = unsafe extern "C" fn(*mut c_void, *mut *mut c_void, *mut u64) -> c_int;
type UnmapProc = unsafe extern "C" fn(*mut c_void, *mut c_void, u64);
type Handler = unsafe extern "C" fn(*const c_char, *const c_char, VaList);
type ClientOpen = unsafe extern "C" fn(
    *const c_char,
    *const c_char,
    *mut c_void,
    ReadWriteProc,
    ReadWriteProc,
    SeekProc,
    CloseProc,
    SizeProc,
    MapProc,
    UnmapProc,
) -> *mut c_void;
type ClientOpenExt = unsafe extern "C" fn(
    *const c_char,
    *const c_char,
    *mut c_void,
    ReadWriteProc,
    ReadWriteProc,
    SeekProc,
    CloseProc,
    SizeProc,
    MapProc,
    UnmapProc,
    *mut c_void,
) -> *mut c_void;

/// libtiff ≥ 4.5's open options, used to cap single allocations.
struct OpenOptions {
    alloc: unsafe extern "C" fn() -> *mut c_void,
    free: unsafe extern "C" fn(*mut c_void),
    set_max_single_mem_alloc: unsafe extern "C" fn(*mut c_void, isize),
    client_open_ext: ClientOpenExt,
}

/// Where each strip or tile lies (libtiff ≥ 4.1).
struct Striles {
    number_of_strips: unsafe extern "C" fn(*mut c_void) -> u32,
    number_of_tiles: unsafe extern "C" fn(*mut c_void) -> u32,
    offset: unsafe extern "C" fn(*mut c_void, u32) -> u64,
    byte_count: unsafe extern "C" fn(*mut c_void, u32) -> u64,
}

/// libtiff's functions, resolved once; the `Library` is kept so they stay valid.
struct Api {
    striles: Option<Striles>,
    _library: Library,
    client_open: ClientOpen,
    options: Option<OpenOptions>,
    close: unsafe extern "C" fn(*mut c_void),
    read_directory: unsafe extern "C" fn(*mut c_void) -> c_int,
    /// `tdir_t` is 32-bit from libtiff 4.5 (so.6) and 16-bit before (so.5); a page number
    /// under [`MAX_PAGES`] passed as 32 bits reads the same either way, since the caller
    /// widens and the callee only looks at its own width.
    set_directory: unsafe extern "C" fn(*mut c_void, u32) -> c_int,
    get_field: unsafe extern "C" fn(*mut c_void, u32, ...) -> c_int,
    get_field_defaulted: unsafe extern "C" fn(*mut c_void, u32, ...) -> c_int,
    is_tiled: unsafe extern "C" fn(*mut c_void) -> c_int,
    rgba_image_ok: unsafe extern "C" fn(*mut c_void, *mut c_char) -> c_int,
    read_rgba_image_oriented:
        unsafe extern "C" fn(*mut c_void, u32, u32, *mut u32, c_int, c_int) -> c_int,
    scanline_size: unsafe extern "C" fn(*mut c_void) -> isize,
    read_scanline: unsafe extern "C" fn(*mut c_void, *mut c_void, u32, u16) -> c_int,
}

/// The versioned sonames of libtiff 4.5+ and 4.0–4.4 (the runtime packages install
/// those), then the development symlink, then macOS's name.
#[cfg(not(windows))]
const LIBRARY_NAMES: &[&str] = &[
    "libtiff.so.6",
    "libtiff.so.5",
    "libtiff.so",
    "libtiff.6.dylib",
];
/// On Windows, beside scanfit.exe or on `PATH`: MSYS2's MinGW build of libtiff 4.5+ and
/// 4.0–4.4 (`libtiff-6.dll`, `libtiff-5.dll`, package mingw-w64-x86_64-libtiff, with
/// its zlib, libjpeg... DLLs), then vcpkg's (`tiff.dll`).
#[cfg(windows)]
const LIBRARY_NAMES: &[&str] = &["libtiff-6.dll", "libtiff-5.dll", "tiff.dll"];

/// The process-wide libtiff, or why it could not be loaded (attempted once).
fn api() -> Result<&'static Api, TiffLibError> {
    static API: OnceLock<Result<Api, String>> = OnceLock::new();
    API.get_or_init(|| load_from(LIBRARY_NAMES))
        .as_ref()
        .map_err(|reason| TiffLibError::LibraryMissing {
            reason: reason.clone(),
        })
}

fn load_from(names: &[&str]) -> Result<Api, String> {
    // SAFETY: libtiff's initialisers only register its codecs; no preconditions.
    unsafe { load_first(names, "libtiff older than 4.0?", resolve) }
}

fn resolve(library: Library) -> Result<Api, libloading::Error> {
    use super::dlopen::symbol as sym;
    // SAFETY: every type below is the prototype of the same-named function in tiffio.h
    // (libtiff 4.0–4.7): tmsize_t is ssize_t (isize), toff_t is uint64, thandle_t and
    // TIFF* are pointers, tdata_t is void*.
    unsafe {
        let options = match (
            sym(&library, b"TIFFOpenOptionsAlloc\0"),
            sym(&library, b"TIFFOpenOptionsFree\0"),
            sym(&library, b"TIFFOpenOptionsSetMaxSingleMemAlloc\0"),
            sym(&library, b"TIFFClientOpenExt\0"),
        ) {
            (Ok(alloc), Ok(free), Ok(set_max_single_mem_alloc), Ok(client_open_ext)) => {
                Some(OpenOptions {
                    alloc,
                    free,
                    set_max_single_mem_alloc,
                    client_open_ext,
                })
            }
            _ => None,
        };
        let striles = match (
            sym(&library, b"TIFFNumberOfStrips\0"),
            sym(&library, b"TIFFNumberOfTiles\0"),
            sym(&library, b"TIFFGetStrileOffset\0"),
            sym(&library, b"TIFFGetStrileByteCount\0"),
        ) {
            (Ok(number_of_strips), Ok(number_of_tiles), Ok(offset), Ok(byte_count)) => {
                Some(Striles {
                    number_of_strips,
                    number_of_tiles,
                    offset,
                    byte_count,
                })
            }
            _ => None,
        };
        let set_error: unsafe extern "C" fn(Option<Handler>) -> Option<Handler> =
            sym(&library, b"TIFFSetErrorHandler\0")?;
        let set_warning: unsafe extern "C" fn(Option<Handler>) -> Option<Handler> =
            sym(&library, b"TIFFSetWarningHandler\0")?;
        let api = Api {
            striles,
            client_open: sym(&library, b"TIFFClientOpen\0")?,
            options,
            close: sym(&library, b"TIFFClose\0")?,
            read_directory: sym(&library, b"TIFFReadDirectory\0")?,
            set_directory: sym(&library, b"TIFFSetDirectory\0")?,
            get_field: sym(&library, b"TIFFGetField\0")?,
            get_field_defaulted: sym(&library, b"TIFFGetFieldDefaulted\0")?,
            is_tiled: sym(&library, b"TIFFIsTiled\0")?,
            rgba_image_ok: sym(&library, b"TIFFRGBAImageOK\0")?,
            read_rgba_image_oriented: sym(&library, b"TIFFReadRGBAImageOriented\0")?,
            scanline_size: sym(&library, b"TIFFScanlineSize\0")?,
            read_scanline: sym(&library, b"TIFFReadScanline\0")?,
            _library: library,
        };
        // Installed once, before any file is opened (this runs inside the OnceLock), so
        // no thread can be inside libtiff while the handlers change.
        set_error(Some(error_handler));
        set_warning(Some(warning_handler));
        Ok(api)
    }
}

#[cfg(test)]
mod tests {
    //! Each layout's fixture (tests/fixtures/pages/make_libtiff_fixtures.py) against
    //! the pixels it stores, decoded from PNG by the `image` crate: no TIFF decoder is
    //! involved in the expected values. Pages go through [`tiff::pages`](super::super::tiff::pages),
    //! the entry point convert and check use, so the crate-first-then-libtiff order is
    //! exercised too.

    use super::*;
    use crate::decode::pages::testing::*;
    use crate::decode::tiff;

    /// False (and the test returns early) when libtiff is not installed, unless
    /// SCANFIT_REQUIRE_LIBTIFF is set, as CI sets it.
    fn have_libtiff() -> bool {
        if available() {
            return true;
        }
        assert!(
            std::env::var_os("SCANFIT_REQUIRE_LIBTIFF").is_none(),
            "SCANFIT_REQUIRE_LIBTIFF is set but libtiff cannot be loaded: {:?}",
            api().err()
        );
        eprintln!("skipped: libtiff is not installed (apt install libtiff6)");
        false
    }

    fn reference(name: &str) -> image::RgbImage {
        image::load_from_memory(&fixture(name)).unwrap().to_rgb8()
    }

    fn only_page(name: &str) -> Page {
        let bytes = fixture(name);
        let (count, pages) = tiff::pages(&bytes, MAX).unwrap();
        assert_eq!(count, 1, "{name}");
        ok_pages(pages).remove(0)
    }

    /// (largest, mean) absolute difference over every channel of every pixel.
    fn difference(page: &Page, expected: &image::RgbImage) -> (u8, f64) {
        let got = page.image.to_rgb8();
        assert_eq!(got.dimensions(), expected.dimensions());
        let diffs: Vec<u8> = got
            .as_raw()
            .iter()
            .zip(expected.as_raw())
            .map(|(a, b)| a.abs_diff(*b))
            .collect();
        let mean = diffs.iter().map(|&d| f64::from(d)).sum::<f64>() / diffs.len() as f64;
        (diffs.iter().copied().max().unwrap_or(0), mean)
    }

    #[test]
    fn fax_pages_are_exact() {
        if !have_libtiff() {
            return;
        }
        let expected = reference("fax_ref.png");
        // The crate reads neither G3 nor modified Huffman nor fill order 2.
        for name in [
            "fax_g3_2d.tif",
            "fax_g3_1d.tif",
            "fax_mh_rle.tif",
            "fax_g4_fillorder2.tif",
        ] {
            let page = only_page(name);
            assert!(
                matches!(page.image, DynamicImage::ImageLuma8(_)),
                "{name}: fax stays grey"
            );
            assert_eq!(difference(&page, &expected), (0, 0.0), "{name}");
        }
    }

    #[test]
    fn palette_and_separate_planes_are_exact() {
        if !have_libtiff() {
            return;
        }
        let palette = only_page("palette_lzw.tif");
        assert_eq!(
            difference(&palette, &reference("palette_ref.png")),
            (0, 0.0)
        );
        let planar = only_page("planar_lzw.tif");
        assert_eq!(difference(&planar, &reference("colour_ref.png")), (0, 0.0));
    }

    #[test]
    fn jpeg_pages_match_the_scan_within_jpeg_loss() {
        if !have_libtiff() {
            return;
        }
        let expected = reference("colour_ref.png");
        // Quality 90 with 2×2 chroma subsampling: Pillow's decode of the same files is
        // 1.7 levels off on average and 16 at worst; allow a little more.
        for name in ["jpeg_ycbcr_tiled.tif", "old_jpeg.tif"] {
            let (max, mean) = difference(&only_page(name), &expected);
            assert!(
                max <= 24 && mean <= 2.5,
                "{name}: max {max}, mean {mean:.2}"
            );
        }
    }

    #[test]
    fn cmyk_planes_become_rgb_by_the_generic_formula_and_keep_the_resolution() {
        if !have_libtiff() {
            return;
        }
        // Pillow's ink is 255 − R, G, B with no black, so the generic formula gives the
        // scan back exactly. 80 × 40 pixels a centimetre is 203.2 × 101.6 a inch.
        // Read here directly, so the test is of libtiff's path whatever the crate learns.
        let direct = page(&fixture("cmyk_planar_lzw.tif"), 1, MAX).unwrap();
        for page in [direct, only_page("cmyk_planar_lzw.tif")] {
            assert!(matches!(page.image, DynamicImage::ImageRgb8(_)));
            assert_eq!(difference(&page, &reference("colour_ref.png")), (0, 0.0));
            let resolution = page.resolution.expect("the page states its resolution");
            assert!((resolution.x - 203.2).abs() < 0.01, "{resolution:?}");
            assert!((resolution.y - 101.6).abs() < 0.01, "{resolution:?}");
        }
        // A page that states no resolution has none.
        assert_eq!(only_page("fax_g3_2d.tif").resolution, None);
    }

    #[test]
    fn cie_lab_matches_the_scan() {
        if !have_libtiff() {
            return;
        }
        // ImageMagick's 8-bit Lab quantises L* to 0.4 and a*, b* to whole units: a few
        // levels (libtiff's own conversion was 28 off at worst, 6.8 on average).
        let (max, mean) = difference(&only_page("cielab.tif"), &reference("colour_ref.png"));
        assert!(max <= 4 && mean <= 1.0, "max {max}, mean {mean:.2}");
    }

    #[test]
    fn unusual_grey_samples_follow_the_stated_mapping() {
        if !have_libtiff() {
            return;
        }
        let grey = image::load_from_memory(&fixture("grey_ref.png"))
            .unwrap()
            .to_luma8();
        let as_rgb = |g: &image::GrayImage| image::DynamicImage::ImageLuma8(g.clone()).to_rgb8();
        // 12-bit and 0..1 floats keep their meaning: the same greys, to rounding.
        for name in ["grey_12bit.tif", "grey_float32.tif"] {
            let page = only_page(name);
            assert!(matches!(page.image, DynamicImage::ImageLuma16(_)), "{name}");
            assert!(difference(&page, &as_rgb(&grey)).0 <= 1, "{name}");
        }
        // Signed samples are stretched: the darkest stored value black, the brightest
        // white. The fixture stores v / 2 + 64 (a washed-out copy), so the stretch must
        // restore the contrast that an offset mapping would leave at mid-grey.
        let stored = |v: u8| f64::from(v / 2 + 64);
        let (lo, hi) = grey
            .pixels()
            .fold((255u8, 0u8), |(lo, hi), p| (lo.min(p.0[0]), hi.max(p.0[0])));
        let mut stretched = grey.clone();
        for p in stretched.pixels_mut() {
            let v = (stored(p.0[0]) - stored(lo)) / (stored(hi) - stored(lo));
            p.0[0] = (v * 255.0).round() as u8;
        }
        let page = only_page("grey_int16.tif");
        assert!(difference(&page, &as_rgb(&stretched)).0 <= 1);
    }

    #[test]
    fn crate_pages_and_libtiff_pages_mix_in_one_file_and_bigtiff_opens() {
        if !have_libtiff() {
            return;
        }
        let bytes = fixture("mixed_crate_and_libtiff.tif");
        let (count, pages) = tiff::pages(&bytes, MAX).unwrap();
        assert_eq!(count, 5);
        let pages = ok_pages(pages);
        assert_eq!(
            pages.iter().map(|p| p.number).collect::<Vec<_>>(),
            [1, 2, 3, 4, 5]
        );
        assert_eq!(rgb(&pages[0], 5, 5), [255, 0, 0], "page 1 (LZW RGB, crate)");
        assert_eq!(difference(&pages[3], &reference("fax_ref.png")), (0, 0.0));
        assert_eq!(
            difference(&pages[4], &reference("palette_ref.png")),
            (0, 0.0)
        );
        let big = only_page("bigtiff_g3.tif");
        assert_eq!(difference(&big, &reference("fax_ref.png")), (0, 0.0));
    }

    #[test]
    fn pixel_limit_and_damage_are_errors_not_panics() {
        if !have_libtiff() {
            return;
        }
        let pages = all(tiff::pages(&fixture("fax_g3_2d.tif"), limit(100_000)));
        assert!(matches!(
            pages[0],
            Err(Problem::TooManyPixels {
                width: 400,
                height: 300,
                ..
            })
        ));
        for name in [
            "fax_g3_2d.tif",
            "old_jpeg.tif",
            "palette_lzw.tif",
            "grey_12bit.tif",
        ] {
            assert_cuts_fail(name, |b| {
                tiff::pages(b, MAX).is_ok_and(|(_, mut pages)| pages.all(|p| p.is_ok()))
            });
        }
        // The old-JPEG fixture has its directory first, so a cut leaves the file
        // readable and the page damaged: libjpeg only warns about the missing data, so
        // this is the strip check's catch, and it names the page.
        let mut bytes = fixture("old_jpeg.tif");
        bytes.truncate(bytes.len() - 40);
        let pages = all(tiff::pages(&bytes, MAX));
        let err = pages[0].as_ref().unwrap_err().to_string();
        assert!(err.starts_with("page 1 is damaged: the file ends"), "{err}");
    }

    #[test]
    fn a_missing_library_names_the_package() {
        let reason = load_from(&["libtiff-that-does-not-exist.so.99"])
            .err()
            .unwrap();
        let message = TiffLibError::LibraryMissing { reason }.to_string();
        assert!(message.contains("apt install libtiff6"), "{message}");
        assert!(
            message.contains("libtiff-that-does-not-exist.so.99"),
            "{message}"
        );
    }
}
