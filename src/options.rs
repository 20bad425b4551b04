//! What a run is asked to do: the portal profile (size band, quality and resolution
//! floors, encoder effort) and the batch settings around it.
//!
//! Everything the pipeline needs is in [`Options`], built once by the caller (the CLI,
//! a test, or another program) and passed down by reference; nothing below reads
//! arguments or the environment.

use std::fmt;
use std::str::FromStr;

use crate::encode::{Effort, JpegSettings, Subsampling};
pub use crate::error::ProfileError;
use crate::sniff::{format_of_extension, Format};

/// The portal's lower size limit: "200 KB" read as KiB, so either reading passes.
pub const PORTAL_MIN_BYTES: u64 = 204_800;
/// The portal's upper size limit: "4 MB" read as decimal megabytes, the stricter reading.
pub const PORTAL_MAX_BYTES: u64 = 4_000_000;

/// Default pixel limit: 120 megapixels; a 48 MP phone photo and a 600-dpi A3 scan pass,
/// a decompression bomb does not.
pub const DEFAULT_MAX_PIXELS: u64 = 120_000_000;
/// Default input size limit: 512 MiB.
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 512 << 20;

/// Which file format the outputs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum FormatChoice {
    /// Lossless PNG for PNG/GIF/BMP sources whose optimised PNG lands in the band;
    /// JPEG for everything else.
    #[default]
    Auto,
    /// Always JPEG.
    Jpeg,
    /// Always PNG; a picture whose PNG cannot land in the band fails.
    Png,
}

/// The rules one output must meet and how hard the encoder tries.
///
/// It is also the profile file `convert --profile FILE` reads (TOML, written by
/// `scanfit sweep --save-profile`): every field is optional there, and a missing one
/// keeps its default, so the built-in default profile is the portal's rules.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Profile {
    /// Smallest accepted output, in bytes. Default 204,800 (200 KiB).
    pub min_bytes: u64,
    /// Largest accepted output, in bytes. Default 4,000,000 (4 MB).
    pub max_bytes: u64,
    /// JPEG quality tried first. Default 85.
    pub quality: u8,
    /// JPEG quality never gone below, for legibility. Default 70.
    pub min_quality: u8,
    /// Long edge never downscaled below, in pixels (or the source's own long edge if it
    /// is smaller). Default 2000.
    pub min_long_edge: u32,
    /// Output format. Default [`FormatChoice::Auto`].
    pub format: FormatChoice,
    /// Encoder effort. Default [`Effort::Balanced`].
    pub effort: Effort,
    /// Chroma subsampling of colour JPEGs. Default 4:2:0.
    pub subsampling: Subsampling,
    /// Progressive JPEG; `None` follows the effort.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progressive: Option<bool>,
    /// Trellis quantisation; `None` follows the effort.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trellis: Option<bool>,
    /// Legibility floor: an encode scoring below it is never accepted (0 disables).
    /// Default [`crate::inspect::DEFAULT_MIN_SCORE`].
    pub min_score: f64,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            min_bytes: PORTAL_MIN_BYTES,
            max_bytes: PORTAL_MAX_BYTES,
            quality: 85,
            min_quality: 70,
            min_long_edge: 2000,
            format: FormatChoice::Auto,
            effort: Effort::Balanced,
            subsampling: Subsampling::S420,
            progressive: None,
            trellis: None,
            min_score: crate::inspect::DEFAULT_MIN_SCORE,
        }
    }
}

impl Profile {
    /// The JPEG encoder's settings: the effort's, with this profile's choices on top.
    pub fn jpeg_settings(&self) -> JpegSettings {
        let base = JpegSettings::from(self.effort);
        JpegSettings {
            subsampling: self.subsampling,
            progressive: self.progressive.unwrap_or(base.progressive),
            trellis: self.trellis.unwrap_or(base.trellis),
        }
    }

    /// Reads a profile file (TOML). Fields it leaves out keep their defaults; unknown
    /// fields are refused, so a typo does not silently fall back to a default.
    pub fn from_toml(text: &str) -> Result<Profile, ProfileFileError> {
        let profile: Profile =
            toml::from_str(text).map_err(|e| ProfileFileError::Syntax(e.to_string()))?;
        profile.validate().map_err(ProfileFileError::Invalid)?;
        Ok(profile)
    }

    /// The profile as a TOML file's text.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a profile is plain numbers, strings and booleans")
    }

    /// Whether `len` bytes are inside the band.
    pub fn in_band(&self, len: u64) -> bool {
        (self.min_bytes..=self.max_bytes).contains(&len)
    }

    /// Checks that the numbers make sense together, so a typo fails before any work.
    pub fn validate(&self) -> Result<(), ProfileError> {
        if self.min_bytes > self.max_bytes {
            return Err(ProfileError::MinAboveMax {
                min: self.min_bytes,
                max: self.max_bytes,
            });
        }
        // The search needs room to move: JPEG sizes jump by a few percent per quality step.
        if self.max_bytes < self.min_bytes.saturating_add(self.min_bytes / 10) {
            return Err(ProfileError::BandTooNarrow);
        }
        if self.max_bytes < 1024 {
            return Err(ProfileError::MaxTooSmall);
        }
        if !(1..=100).contains(&self.quality) || !(1..=100).contains(&self.min_quality) {
            return Err(ProfileError::QualityRange);
        }
        if self.min_quality > self.quality {
            return Err(ProfileError::MinQualityAboveQuality {
                min_quality: self.min_quality,
                quality: self.quality,
            });
        }
        if !(0.0..=1.0).contains(&self.min_score) {
            return Err(ProfileError::MinScoreRange);
        }
        if self.min_long_edge == 0 {
            return Err(ProfileError::MinLongEdgeZero);
        }
        Ok(())
    }
}

/// Why a profile file cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProfileFileError {
    /// Not TOML, a misspelt field or a wrong value; the TOML reader's words (they name
    /// the line and the field).
    Syntax(String),
    /// Read, but its numbers contradict each other.
    Invalid(ProfileError),
}

/// Changes to a [`Profile`], field by field: what a caller gives on top of a base profile.
/// The command line's profile flags (over a profile file) and a server's request
/// parameters (over the profile it was started with) both become one, so both change a
/// profile by the same rules. A missing field keeps the base's value.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ProfileOverrides {
    /// Smallest accepted output.
    pub min_size: Option<ByteSize>,
    /// Largest accepted output.
    pub max_size: Option<ByteSize>,
    /// JPEG quality tried first.
    pub quality: Option<u8>,
    /// JPEG quality never gone below.
    pub min_quality: Option<u8>,
    /// Long edge never downscaled below.
    pub min_long_edge: Option<u32>,
    /// Output format.
    pub format: Option<FormatChoice>,
    /// Encoder effort; given alone, its own progression and trellis apply.
    pub effort: Option<Effort>,
    /// Chroma subsampling.
    pub subsampling: Option<Subsampling>,
    /// Progressive or baseline, whatever the effort says.
    pub progressive: Option<bool>,
    /// Trellis on or off, whatever the effort says.
    pub trellis: Option<bool>,
    /// Legibility floor.
    pub min_score: Option<f64>,
}

impl ProfileOverrides {
    /// `base` with these changes (not validated: the run that uses it checks it, with
    /// [`Profile::validate`]).
    pub fn apply(&self, base: &Profile) -> Profile {
        let mut p = base.clone();
        fn set<T: Copy>(field: &mut T, value: Option<T>) {
            if let Some(v) = value {
                *field = v;
            }
        }
        set(&mut p.min_bytes, self.min_size.map(|s| s.0));
        set(&mut p.max_bytes, self.max_size.map(|s| s.0));
        set(&mut p.quality, self.quality);
        set(&mut p.min_quality, self.min_quality);
        set(&mut p.min_long_edge, self.min_long_edge);
        set(&mut p.format, self.format);
        if let Some(effort) = self.effort {
            // An effort asked for means its own progression and trellis, not the base's.
            p.effort = effort;
            p.progressive = None;
            p.trellis = None;
        }
        set(&mut p.subsampling, self.subsampling);
        if self.progressive.is_some() {
            p.progressive = self.progressive;
        }
        if self.trellis.is_some() {
            p.trellis = self.trellis;
        }
        set(&mut p.min_score, self.min_score);
        p
    }
}

/// What the upload form and its reviewer ask of a picture besides its size: the rules
/// in force (`[upload]` formats and pixel bounds, `[picture]`), as check and convert
/// apply them. The default is the built-in rules' (the Alibaba Cloud guide's).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Limits {
    /// File name endings taken, lower case; their real formats are the ones taken.
    pub extensions: Vec<String>,
    /// Whether a black-and-white or grayscale picture is warned about.
    pub colour: bool,
    /// Fewest pixels on the long edge for small print to stay legible.
    pub min_long_edge: u32,
    /// Sharpness (as [`crate::inspect::sharpness`] measures it) below which a picture
    /// is called blurred.
    pub min_sharpness: f64,
    /// The smallest picture the upload form takes, as (long edge, short edge), if it
    /// states one. Either orientation of the stated size passes.
    pub min_pixels: Option<(u32, u32)>,
    /// The largest picture the upload form takes, as (long edge, short edge).
    pub max_pixels: Option<(u32, u32)>,
    /// Whether the pixels are examined for what the reviewer rejects on sight (a cut
    /// border, a photocopy, a photographed screen, a render; [`crate::document`]).
    pub content: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            extensions: ["jpg", "jpeg", "png", "gif"].map(String::from).to_vec(),
            colour: true,
            min_long_edge: crate::inspect::MIN_LEGIBLE_LONG_EDGE,
            min_sharpness: crate::inspect::BLUR_THRESHOLD,
            min_pixels: None,
            max_pixels: None,
            content: true,
        }
    }
}

impl Limits {
    /// Whether the upload form takes pictures whose bytes are `format`.
    pub fn accepts(&self, format: Format) -> bool {
        self.extensions
            .iter()
            .any(|e| format_of_extension(e) == Some(format))
    }

    /// Whether the upload form takes a name ending in `extension` (lower case).
    pub fn accepts_extension(&self, extension: &str) -> bool {
        self.extensions.iter().any(|e| e == extension)
    }

    /// The accepted endings, upper case and joined for people ("JPG, PNG").
    pub fn extensions_shown(&self, separator: &str) -> String {
        let upper: Vec<String> = self
            .extensions
            .iter()
            .map(|e| e.to_ascii_uppercase())
            .collect();
        upper.join(separator)
    }

    /// Whether a `width` × `height` picture is inside the pixel bounds (either
    /// orientation); `Err` holds the bound it misses: `(bound, true)` for the minimum.
    pub fn pixel_bounds(&self, width: u32, height: u32) -> Result<(), ((u32, u32), bool)> {
        let (long, short) = (width.max(height), width.min(height));
        if let Some(min) = self.min_pixels {
            if long < min.0 || short < min.1 {
                return Err((min, true));
            }
        }
        if let Some(max) = self.max_pixels {
            if long > max.0 || short > max.1 {
                return Err((max, false));
            }
        }
        Ok(())
    }
}

/// Settings of a batch run.
#[derive(Debug, Clone)]
pub struct Options {
    /// The rules every output must meet.
    pub profile: Profile,
    /// Files converted at once. Default: the number of cores.
    pub jobs: usize,
    /// Replace outputs that already exist. Default false: they are reported as skipped.
    pub overwrite: bool,
    /// Plan and report without writing anything. Default false.
    pub dry_run: bool,
    /// Largest decoded picture accepted, in pixels. Default 120 megapixels: a 48 MP
    /// phone photo and a 600-dpi A3 scan pass; a decompression bomb does not.
    pub max_pixels: u64,
    /// Largest input file read, in bytes. Default 512 MiB.
    pub max_input_bytes: u64,
    /// What the upload form and its reviewer ask of a picture besides its size (the
    /// rules in force). Default: the built-in rules'.
    pub limits: Limits,
    /// The OCR engine, when convert checks that every JPEG output reads as well as its
    /// source and spends more bytes when it does not (`convert --verify-reading`).
    /// Default `None`: not checked (reading costs more than the conversion itself).
    #[cfg(feature = "ocr")]
    pub reader: Option<std::sync::Arc<crate::ocr::Reader>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: Profile::default(),
            jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
            overwrite: false,
            dry_run: false,
            max_pixels: DEFAULT_MAX_PIXELS,
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
            limits: Limits::default(),
            #[cfg(feature = "ocr")]
            reader: None,
        }
    }
}

/// A byte count written the way people write sizes: `4000000`, `4MB`, `200KiB`, `3.5 MiB`.
///
/// Decimal units (kB, MB) are powers of 1000, binary units (KiB, MiB) powers of 1024;
/// a bare `K`/`KB` is read as 1000, as the portal's guide does for "4 MB".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl FromStr for ByteSize {
    type Err = SizeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let value: f64 = num.parse().map_err(|_| SizeError::NotASize(s.to_owned()))?;
        let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1.0,
            "k" | "kb" => 1e3,
            "kib" => 1024.0,
            "m" | "mb" => 1e6,
            "mib" => 1024.0 * 1024.0,
            "g" | "gb" => 1e9,
            "gib" => 1024.0 * 1024.0 * 1024.0,
            other => {
                return Err(SizeError::UnknownUnit {
                    unit: other.to_owned(),
                    text: s.to_owned(),
                })
            }
        };
        let bytes = (value * factor).round();
        if !(bytes.is_finite() && bytes >= 0.0 && bytes <= u64::MAX as f64) {
            return Err(SizeError::OutOfRange(s.to_owned()));
        }
        Ok(ByteSize(bytes as u64))
    }
}

/// A size that cannot be read; each holds the text as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SizeError {
    /// No number.
    NotASize(String),
    /// A unit that is not B, KB, KiB, MB, MiB, GB or GiB.
    UnknownUnit {
        /// The unit.
        unit: String,
        /// The whole text.
        text: String,
    },
    /// Negative or too large.
    OutOfRange(String),
}

/// A plain byte count.
impl serde::Serialize for ByteSize {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

/// Accepts the text forms [`FromStr`] reads (`"200KiB"`) and plain byte counts, so a
/// size reads the same in a query string, JSON or TOML as on the command line.
impl<'de> serde::Deserialize<'de> for ByteSize {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Number(n) => Ok(ByteSize(n)),
            Raw::Text(t) => t.parse().map_err(serde::de::Error::custom),
        }
    }
}

/// The unit a size is shown in (see [`ByteSize::shown`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeUnit {
    /// Bytes, under 1 kB.
    B,
    /// Kilobytes (1000 bytes), under 1 MB.
    Kb,
    /// Megabytes (1,000,000 bytes).
    Mb,
}

impl ByteSize {
    /// The size as people are shown it: its digits in the unit that suits it, rounded
    /// to what is shown (two decimals of MB, one of kB, whole bytes), so that every
    /// language shows the same number and only words its unit.
    pub fn shown(self) -> (String, SizeUnit) {
        let b = self.0 as f64;
        if b >= 1e6 {
            (format!("{:.2}", b / 1e6), SizeUnit::Mb)
        } else if b >= 1e3 {
            (format!("{:.1}", b / 1e3), SizeUnit::Kb)
        } else {
            (self.0.to_string(), SizeUnit::B)
        }
    }
}

/// English, as logs and `Display` show it; people read sizes through
/// [`crate::words::size`], in their language.
impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (digits, unit) = self.shown();
        let symbol = match unit {
            SizeUnit::B => "B",
            SizeUnit::Kb => "kB",
            SizeUnit::Mb => "MB",
        };
        write!(f, "{digits} {symbol}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_both_unit_systems() {
        assert_eq!("4000000".parse(), Ok(ByteSize(4_000_000)));
        assert_eq!("4MB".parse(), Ok(ByteSize(4_000_000)));
        assert_eq!("200KiB".parse(), Ok(ByteSize(204_800)));
        assert_eq!("3.5 MiB".parse(), Ok(ByteSize(3_670_016)));
        assert_eq!("10k".parse(), Ok(ByteSize(10_000)));
        assert!("4 parsecs".parse::<ByteSize>().is_err());
        assert!("".parse::<ByteSize>().is_err());
        assert!("-1".parse::<ByteSize>().is_err());
    }

    #[test]
    fn default_profile_is_the_portal_band() {
        let p = Profile::default();
        assert!(p.validate().is_ok());
        assert!(p.in_band(204_800) && p.in_band(4_000_000));
        assert!(!p.in_band(204_799) && !p.in_band(4_000_001));
    }

    #[test]
    fn profile_files_round_trip_default_what_they_omit_and_refuse_typos() {
        let p = Profile {
            quality: 60,
            min_quality: 55,
            subsampling: Subsampling::S444,
            progressive: Some(false),
            trellis: Some(true),
            ..Profile::default()
        };
        assert_eq!(Profile::from_toml(&p.to_toml()), Ok(p.clone()));
        let s = p.jpeg_settings();
        assert_eq!(
            (s.subsampling, s.progressive, s.trellis),
            (Subsampling::S444, false, true)
        );
        // Omitted fields are the portal's rules; an effort alone decides the rest.
        let q = Profile::from_toml("effort = \"max\"\n").unwrap();
        assert_eq!(q.max_bytes, PORTAL_MAX_BYTES);
        assert_eq!(q.jpeg_settings(), JpegSettings::from(Effort::Max));
        assert!(Profile::from_toml("qualty = 60\n")
            .unwrap_err()
            .to_string()
            .contains("qualty"));
        assert!(Profile::from_toml("quality = 60\nmin_quality = 80\n").is_err());
        assert!(Profile::from_toml("subsampling = \"411\"\n").is_err());
    }

    #[test]
    fn overrides_change_only_what_they_name() {
        let base = Profile {
            effort: Effort::Max,
            trellis: Some(false),
            ..Profile::default()
        };
        let o: ProfileOverrides =
            toml::from_str("max_size = \"2MB\"\nquality = 80\neffort = \"fast\"\n").unwrap();
        let p = o.apply(&base);
        assert_eq!((p.max_bytes, p.quality), (2_000_000, 80));
        assert_eq!((p.effort, p.trellis), (Effort::Fast, None));
        assert_eq!(p.min_bytes, base.min_bytes);
        assert_eq!(ProfileOverrides::default().apply(&base), base);
        let keep = ProfileOverrides {
            progressive: Some(true),
            ..ProfileOverrides::default()
        };
        assert_eq!(keep.apply(&base).trellis, Some(false));
    }

    #[test]
    fn inconsistent_profiles_are_refused() {
        let p = Profile {
            min_bytes: 5_000_000,
            ..Profile::default()
        };
        assert!(p.validate().is_err());
        let p = Profile {
            min_quality: 90,
            ..Profile::default()
        };
        assert!(p.validate().is_err());
    }
}
