//! One input's bytes through every stage: sniff → decode → normalise → fit. No file
//! system here: batch, watch and stitch read and write; this only computes, so it is
//! easy to test and to reuse.

use crate::decode::{self, DecodeLimits, Metadata};
use crate::encode::{encode_png, Encoder, MozJpeg};
use crate::error::{Problem, Warning};
use crate::fit::{self, fit_jpeg, Fitted};
use crate::jpeg;
use crate::normalize::{normalize, Pixels};
use crate::options::{FormatChoice, Options, Profile};
use crate::sniff::{sniff, Format};

/// The format of an output file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// JPEG, `.jpg`.
    Jpeg,
    /// PNG, `.png`.
    Png,
}

impl OutputFormat {
    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Jpeg => "jpg",
            OutputFormat::Png => "png",
        }
    }
}

/// How the output was produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The source JPEG with its metadata segments removed; pixels untouched.
    Stripped,
    /// Re-encoded as JPEG by the band search.
    Jpeg,
    /// Losslessly re-encoded as PNG.
    Png,
}

/// A converted picture, ready to write.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The output file's bytes.
    pub bytes: Vec<u8>,
    /// Its format.
    pub format: OutputFormat,
    /// How it was made.
    pub method: Method,
    /// JPEG quality, when re-encoded as JPEG.
    pub quality: Option<u8>,
    /// Source dimensions, upright.
    pub width_in: u32,
    /// Source height, upright.
    pub height_in: u32,
    /// Output width.
    pub width: u32,
    /// Output height.
    pub height: u32,
    /// Full encodes spent (0 when stripped).
    pub encodes: u32,
    /// Probe encodes spent by the band search (each about an eighth of a full one).
    pub probes: u32,
    /// Output long edge over source long edge.
    pub scale: f64,
    /// What the user should know.
    pub warnings: Vec<Warning>,
}

/// What sniffing an input found.
#[derive(Debug, Clone, Copy)]
pub struct Identified {
    /// The real format.
    pub format: Format,
    /// Metadata the source carried (known after decoding; default before).
    pub metadata: Metadata,
}

/// Converts one input's bytes. `claims_picture` says whether the file's name claimed a
/// picture format: unknown bytes are then [`Problem::NotAPicture`] instead of `Ok(None)`
/// (an unrelated file to skip).
pub fn convert_bytes(
    bytes: &[u8],
    claimed: Option<Format>,
    claims_picture: bool,
    opts: &Options,
) -> Result<Option<(Identified, Converted)>, Problem> {
    if bytes.is_empty() {
        return if claims_picture {
            Err(Problem::Empty)
        } else {
            Ok(None)
        };
    }
    let Some(format) = sniff(bytes) else {
        return if claims_picture {
            Err(Problem::NotAPicture)
        } else {
            Ok(None)
        };
    };
    let mut warnings = Vec::new();
    if claimed.is_some_and(|c| c != format) {
        warnings.push(Warning::Renamed { real: format });
    }
    let decoded = decode::decode(
        bytes,
        format,
        DecodeLimits {
            max_pixels: opts.max_pixels,
        },
    )?;
    let metadata = decoded.metadata;
    if decoded.animated {
        warnings.push(Warning::Animated);
    }
    let lossless_ok = format == Format::Jpeg
        && decoded.orientation == 1
        && !decoded.cmyk
        && decoded
            .icc
            .as_deref()
            .is_none_or(crate::normalize::is_srgb_profile);
    let pixels = normalize(decoded, &mut warnings);
    if matches!(pixels, Pixels::Gray(_)) {
        warnings.push(Warning::Grayscale);
    }
    let (width_in, height_in) = (pixels.width(), pixels.height());

    let mut converted = if lossless_ok && opts.profile.format != FormatChoice::Png {
        strip_in_band(bytes, &opts.profile).map(|stripped| Converted {
            bytes: stripped,
            format: OutputFormat::Jpeg,
            method: Method::Stripped,
            quality: None,
            width_in,
            height_in,
            width: width_in,
            height: height_in,
            encodes: 0,
            probes: 0,
            scale: 1.0,
            warnings: Vec::new(),
        })
    } else {
        None
    };
    if converted.is_none() {
        converted = Some(encode_in_band(&pixels, bytes.len(), format, opts)?);
    }
    let mut converted = converted.expect("set above");
    if converted.scale > 1.0 {
        warnings.push(Warning::Enlarged(converted.scale));
    }
    converted.warnings = warnings;
    Ok(Some((Identified { format, metadata }, converted)))
}

/// The source JPEG without metadata, if that alone lands in the band.
fn strip_in_band(bytes: &[u8], profile: &Profile) -> Option<Vec<u8>> {
    let stripped = jpeg::strip_metadata(bytes)?;
    profile.in_band(stripped.len() as u64).then_some(stripped)
}

/// Encodes normalised pixels into the band: PNG where the profile and the source allow
/// it and the lossless file fits, JPEG otherwise.
pub fn encode_in_band(
    pixels: &Pixels,
    source_len: usize,
    source: Format,
    opts: &Options,
) -> Result<Converted, Problem> {
    let profile = &opts.profile;
    let (width_in, height_in) = (pixels.width(), pixels.height());
    let try_png = match profile.format {
        FormatChoice::Png => true,
        FormatChoice::Jpeg => false,
        // Lossless only pays off for sources that were lossless and roughly the right
        // size already: oxipng rarely shrinks a PNG by more than a third, and a file
        // under the minimum only gets smaller. BMP is uncompressed, so its size says
        // nothing: let oxipng decide.
        FormatChoice::Auto => match source {
            Format::Png | Format::Gif => {
                let len = source_len as f64;
                len * 0.6 <= profile.max_bytes as f64 && len >= profile.min_bytes as f64
            }
            Format::Bmp => true,
            _ => false,
        },
    };
    if try_png {
        let png = encode_png(pixels)?;
        if profile.in_band(png.len() as u64) {
            return Ok(Converted {
                bytes: png,
                format: OutputFormat::Png,
                method: Method::Png,
                quality: None,
                width_in,
                height_in,
                width: width_in,
                height: height_in,
                encodes: 1,
                probes: 0,
                scale: 1.0,
                warnings: Vec::new(),
            });
        }
        if profile.format == FormatChoice::Png {
            return Err(Problem::BandUnreachable {
                min: profile.min_bytes,
                max: profile.max_bytes,
                why: format!(
                    "the lossless PNG is {} bytes (--format png forbids JPEG)",
                    png.len()
                ),
            });
        }
    }
    let encoder = MozJpeg {
        effort: profile.effort,
    };
    let Fitted {
        bytes,
        quality,
        width,
        height,
        encodes,
        probes,
        scale,
    } = fit_jpeg(
        pixels,
        profile,
        &encoder as &dyn Encoder,
        fit::Limits {
            max_pixels: opts.max_pixels,
        },
    )?;
    Ok(Converted {
        bytes,
        format: OutputFormat::Jpeg,
        method: Method::Jpeg,
        quality: Some(quality),
        width_in,
        height_in,
        width,
        height,
        encodes: encodes + u32::from(try_png),
        probes,
        scale,
        warnings: Vec::new(),
    })
}
