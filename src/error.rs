//! Typed errors. [`Problem`] says what went wrong with one picture; [`Error`] adds the
//! file it happened to, because a message without a path is useless in a batch of
//! thousands. Messages are written for the person running scanfit and, where there is
//! one, say what to do about it.

use std::io;
use std::path::PathBuf;

use crate::sniff::Format;

/// What went wrong with one input.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    /// The file could not be read.
    #[error("cannot read the file: {0}")]
    Read(#[source] io::Error),
    /// The file has no bytes.
    #[error("the file is empty")]
    Empty,
    /// The bytes are not a picture format scanfit knows.
    #[error("not a picture: the bytes are not JPEG, PNG, GIF, BMP, WebP, TIFF, HEIC, AVIF or PDF")]
    NotAPicture,
    /// A picture format scanfit recognises but cannot convert.
    #[error("{format} is not supported{hint}")]
    Unsupported {
        /// The format found in the bytes.
        format: Format,
        /// Advice, starting with a separator, or empty.
        hint: &'static str,
    },
    /// The input file is larger than the configured limit.
    #[error("the file is {bytes} bytes, above the {max}-byte input limit")]
    TooLarge {
        /// Size of the file.
        bytes: u64,
        /// The limit.
        max: u64,
    },
    /// The picture has more pixels than the configured limit (a decompression bomb, or a
    /// scan too large to hold in memory).
    #[error("{width}×{height} pixels is above the limit of {max} pixels (--max-pixels)")]
    TooManyPixels {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The limit.
        max: u64,
    },
    /// The decoder refused the data.
    #[error("{format} data is corrupt or truncated: {detail}")]
    Corrupt {
        /// The sniffed format.
        format: Format,
        /// The decoder's words.
        detail: String,
    },
    /// The compressed picture data is damaged (code `corrupt_data`; the damage has a
    /// code of its own): decoders would show garbage or gray for part of the picture,
    /// so it is refused rather than converted.
    #[error("{format} picture data is damaged ({damage}): part of the picture would be garbage; get the file again from its source")]
    CorruptData {
        /// The sniffed format.
        format: Format,
        /// What the decoder found.
        damage: crate::decode::jpeg::JpegDamage,
    },
    /// A multi-page file (TIFF, PDF) or one of its pages could not be decoded.
    #[error(transparent)]
    Page(#[from] crate::decode::pages::PageError),
    /// HEIC/AVIF could not be decoded, or libheif is not installed.
    #[error(transparent)]
    Heif(#[from] crate::decode::heif::HeifError),
    /// No encoding within the quality and resolution floors lands inside the band.
    #[error("cannot land in {min}..={max} bytes without going below the legibility floors: {why}")]
    BandUnreachable {
        /// Lower bound of the band.
        min: u64,
        /// Upper bound of the band.
        max: u64,
        /// What the closest attempt was.
        why: String,
    },
    /// The encoder failed.
    #[error("encoding failed: {0}")]
    Encode(String),
    /// Writing the output failed; nothing partial was left behind.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The output that could not be written.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The planned output would replace an input file.
    #[error("the output {} would overwrite an input; choose another output folder", path.display())]
    WouldOverwriteInput {
        /// The output path.
        path: PathBuf,
    },
    /// A decoder or encoder panicked; caught so the batch goes on.
    #[error("internal error while converting (please report it): {0}")]
    Panic(String),
}

/// A [`Problem`] with the file it belongs to.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", path.display())]
pub struct Error {
    /// The input file.
    pub path: PathBuf,
    /// What went wrong.
    pub problem: Problem,
}

/// Errors that stop a run before any file is touched (bad arguments, unusable output folder).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The profile's numbers contradict each other.
    #[error("{0}")]
    Profile(String),
    /// An input does not exist or cannot be read.
    #[error("cannot read input {}: {source}", path.display())]
    Input {
        /// The input given.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The output folder cannot be created or is an input folder.
    #[error("output folder {}: {why}", path.display())]
    Output {
        /// The output folder.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
}

/// Something the user should know about an output that was written anyway.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Warning {
    /// The picture is gray; the portal's reviewers reject black-and-white copies.
    #[error("grayscale: the portal rejects black-and-white scans; rescan in colour if you can")]
    Grayscale,
    /// The picture is black and white only (a 1-bit or thresholded scan).
    #[error("black-and-white scan: the portal rejects these; rescan in colour")]
    Bilevel,
    /// The source looks blurred; reviewers reject unclear pictures.
    #[error("blurred (sharpness {0:.1}): reviewers reject unclear pictures; rescan or retake it")]
    Blurred(f64),
    /// The source has too few pixels for small print to stay legible.
    #[error("low resolution: the long edge is {0} px, too few for legible small print; enlarging adds no detail")]
    LowResolution(u32),
    /// Only the first frame of an animation was kept.
    #[error("animated: only the first frame was kept")]
    Animated,
    /// The colour profile could not be used.
    #[error("colour profile ignored: {0}")]
    ProfileIgnored(String),
    /// A CMYK source without a usable colour profile was converted to RGB with a
    /// generic formula. (With one, its profile is applied and nothing is said.)
    #[error("CMYK: converted to RGB with a generic formula (no colour profile applied); check the colours")]
    CmykApproximate,
    /// The source was enlarged to reach the minimum size.
    #[error("enlarged {0:.2}×: the source was too small for the portal's minimum size")]
    Enlarged(f64),
    /// A piece of a stitched picture was enlarged to match the others' size.
    #[error("enlarged {0:.2}× to match the other pieces (a larger piece would otherwise lose legibility); a sharper or larger photo of it would look better")]
    EnlargedToMatch(f64),
    /// Imperceptible grain was added: the picture is too flat to reach the minimum size.
    #[error("grain added (±3 levels, invisible): the picture is too flat to reach the minimum size otherwise")]
    Grained,
    /// A warning about one piece of a stitched picture, with the piece's file name.
    #[error("{piece}: {warning}")]
    InPiece {
        /// The piece's file name.
        piece: String,
        /// What is true of that piece.
        warning: Box<Warning>,
    },
    /// The file was renamed: its bytes are another format than its name says.
    #[error("renamed file: the bytes are {real}, not what the name says")]
    Renamed {
        /// The real format.
        real: crate::sniff::Format,
    },
}

impl serde::Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
