//! What metadata a picture carries, and the one reading of an EXIF block that every
//! stage uses: its orientation, whether it gives away where the picture was taken, and
//! the physical resolution, the one fact outputs keep.
//!
//! The container walkers ([`crate::jpeg`], [`crate::png`]) and the decoders fill these
//! values; convert reports them as what it removed and check warns about them before
//! an upload, so both commands must read a file the same way. The types live here, below
//! both the walkers and [`crate::decode`], because decode uses the walkers: neither of
//! them can hold what the other needs without a cycle.

/// Metadata a source carried. Reported so users know what was stripped; GPS matters most.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Metadata {
    /// An EXIF block.
    pub exif: bool,
    /// A GPS position inside the EXIF block (see [`read_exif`] for what counts).
    pub gps: bool,
    /// An XMP packet.
    pub xmp: bool,
    /// An ICC colour profile.
    pub icc: bool,
}

/// A picture's physical resolution in dots per inch, across and down.
///
/// Not metadata in the privacy sense: it says how large the paper was, and printing,
/// OCR and viewers use it (without it a 300-dpi scan prints at 72 dpi, four times too
/// large, and OCR guesses the text size wrong). Outputs keep it, scaled with any resize
/// so the paper keeps its size; nothing else of the source's metadata comes back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolution {
    /// Dots per inch across.
    pub x: f64,
    /// Dots per inch down.
    pub y: f64,
}

impl Resolution {
    /// A resolution, or `None` when either value is not a plausible one (1.5 to
    /// 100,000 dpi): zero, or the "1×1" of a header that states only the pixel aspect.
    pub fn new(x: f64, y: f64) -> Option<Resolution> {
        let plausible = |v: f64| (1.5..=100_000.0).contains(&v);
        (plausible(x) && plausible(y)).then_some(Resolution { x, y })
    }

    /// The resolution of `x` and `y` dots per `unit`.
    pub fn per(x: f64, y: f64, unit: Unit) -> Option<Resolution> {
        let inches = match unit {
            Unit::Inch => 1.0,
            Unit::Centimetre => 2.54,
            Unit::Metre => 0.0254,
        };
        Resolution::new(x * inches, y * inches)
    }

    /// The same resolution for the picture turned a quarter (across becomes down).
    pub fn transposed(self) -> Resolution {
        Resolution {
            x: self.y,
            y: self.x,
        }
    }
}

/// The length a resolution's dots are counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Dots per inch (JFIF unit 1, TIFF and EXIF unit 2).
    Inch,
    /// Dots per centimetre (JFIF unit 2, TIFF and EXIF unit 3).
    Centimetre,
    /// Dots per metre (PNG's pHYs unit 1).
    Metre,
}

/// What a walk over a container's segments or chunks found.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Found {
    /// The metadata that has a name of its own.
    pub metadata: Metadata,
    /// Anything else that is not part of the picture: comments, IPTC, text chunks,
    /// timestamps, other application segments.
    pub other: bool,
    /// The orientation of the first EXIF block that could be read, if any.
    pub orientation: Option<u8>,
    /// The resolution the container itself states (JFIF density, PNG `pHYs`), else
    /// the first EXIF block's.
    pub resolution: Option<Resolution>,
}

impl Found {
    /// Takes the resolution the container itself states: it describes these pixels,
    /// where an EXIF block's is often the camera's default.
    pub fn stated(&mut self, resolution: Option<Resolution>) {
        if resolution.is_some() {
            self.resolution = resolution;
        }
    }

    /// Adds what one raw EXIF block (TIFF structure) says.
    pub fn add_exif(&mut self, raw: &[u8]) {
        self.metadata.exif = true;
        if let Some(facts) = read_exif(raw) {
            self.metadata.gps |= facts.gps;
            self.orientation = self.orientation.or(Some(facts.orientation));
            // The container's own density, wherever it stands, wins over EXIF's (often
            // a camera's default 72 dpi): see `stated`.
            self.resolution = self.resolution.or(facts.resolution);
        }
    }
}

/// What an EXIF block says that scanfit acts on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExifFacts {
    /// The orientation, 1–8 (1 when the tag is absent or out of range).
    pub orientation: u8,
    /// The block holds a position: a GPS latitude or longitude.
    pub gps: bool,
    /// XResolution and YResolution, when the unit is a length.
    pub resolution: Option<Resolution>,
}

/// Reads a raw EXIF block (a TIFF structure, as found after `Exif\0\0` in a JPEG or in a
/// PNG's `eXIf` chunk); `None` when it cannot be parsed.
///
/// GPS means a position: a latitude or longitude tag in any directory. Cameras and
/// phones with location switched off still write a GPS directory holding only a version,
/// a timestamp or an altitude reference; that tells nobody where the picture was taken,
/// so it is not reported as a position (it is still EXIF, and still removed).
pub fn read_exif(raw: &[u8]) -> Option<ExifFacts> {
    let exif = exif::Reader::new().read_raw(raw.to_vec()).ok()?;
    let orientation = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .filter(|v| (1..=8).contains(v))
        .map_or(1, |v| v as u8);
    let gps = exif
        .fields()
        .any(|f| matches!(f.tag, exif::Tag::GPSLatitude | exif::Tag::GPSLongitude));
    Some(ExifFacts {
        orientation,
        gps,
        resolution: exif_resolution(&exif),
    })
}

/// XResolution and YResolution of the primary image; ResolutionUnit 2 (the default) is
/// inches, 3 centimetres, and 1 states no unit, so no physical size.
fn exif_resolution(exif: &exif::Exif) -> Option<Resolution> {
    let rational = |tag| match &exif.get_field(tag, exif::In::PRIMARY)?.value {
        exif::Value::Rational(v) => v.first().map(exif::Rational::to_f64),
        _ => None,
    };
    let unit = match exif
        .get_field(exif::Tag::ResolutionUnit, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
    {
        None | Some(2) => Unit::Inch,
        Some(3) => Unit::Centimetre,
        Some(_) => return None,
    };
    Resolution::per(
        rational(exif::Tag::XResolution)?,
        rational(exif::Tag::YResolution)?,
        unit,
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use exif::{Field, In, Tag, Value};

    /// A little-endian EXIF block holding `fields` (all in the primary directory).
    pub(crate) fn exif_block(fields: &[Field]) -> Vec<u8> {
        let mut writer = exif::experimental::Writer::new();
        for field in fields {
            writer.push_field(field);
        }
        let mut out = std::io::Cursor::new(Vec::new());
        writer.write(&mut out, true).expect("EXIF block");
        out.into_inner()
    }

    pub(crate) fn field(tag: Tag, value: Value) -> Field {
        Field {
            tag,
            ifd_num: In::PRIMARY,
            value,
        }
    }

    /// 31° 13′ 49.5″, as a camera writes it.
    pub(crate) fn latitude() -> Field {
        let r = |num, denom| exif::Rational { num, denom };
        field(
            Tag::GPSLatitude,
            Value::Rational(vec![r(31, 1), r(13, 1), r(495, 10)]),
        )
    }

    #[test]
    fn a_position_is_gps_and_a_bare_gps_directory_is_not() {
        let version = field(Tag::GPSVersionID, Value::Byte(vec![2, 3, 0, 0]));
        let time = field(
            Tag::GPSTimeStamp,
            Value::Rational(vec![exif::Rational { num: 2, denom: 1 }; 3]),
        );
        let bare = read_exif(&exif_block(&[version.clone(), time])).unwrap();
        assert!(!bare.gps, "a GPS directory without a position");
        let placed = read_exif(&exif_block(&[version, latitude()])).unwrap();
        assert!(placed.gps);
        let longitude = field(
            Tag::GPSLongitude,
            Value::Rational(vec![exif::Rational { num: 121, denom: 1 }; 3]),
        );
        assert!(read_exif(&exif_block(&[longitude])).unwrap().gps);
    }

    #[test]
    fn orientation_is_read_and_defaults_to_upright() {
        let six = field(Tag::Orientation, Value::Short(vec![6]));
        assert_eq!(read_exif(&exif_block(&[six])).unwrap().orientation, 6);
        let nine = field(Tag::Orientation, Value::Short(vec![9]));
        assert_eq!(read_exif(&exif_block(&[nine])).unwrap().orientation, 1);
        let make = field(Tag::Make, Value::Ascii(vec![b"Scanner".to_vec()]));
        let facts = read_exif(&exif_block(&[make])).unwrap();
        assert_eq!((facts.orientation, facts.gps), (1, false));
        assert_eq!(read_exif(b"not exif"), None);
    }
}
