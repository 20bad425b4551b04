//! Typed errors and notes. [`Problem`] says what went wrong with one picture; [`Error`]
//! adds the file it happened to, because a message without a path is useless in a batch
//! of thousands; [`Warning`] is what is worth knowing about an output written anyway;
//! [`Why`] is the reason a report gives for an input not converted. Each is a value with
//! its facts as fields: the sentences, written for the person running scanfit and saying
//! what to do where there is something to do, are in the catalogue ([`crate::words`]).

use std::io;
use std::path::PathBuf;

use crate::sniff::Format;

/// What went wrong with one input. Its words are in the catalogue ([`crate::words`]);
/// `Display` shows them in English.
#[derive(Debug, thiserror::Error)]
pub enum Problem {
    /// The file could not be read.
    Read(#[source] io::Error),
    /// The input is a FIFO, socket or device (it changed into one after it was listed).
    NotAFile,
    /// The file's size changed while it was read: something is still writing it.
    ChangedWhileRead {
        /// Size when opened.
        opened: u64,
        /// Bytes read.
        read: u64,
    },
    /// The file has no bytes.
    Empty,
    /// The bytes are not a picture format scanfit knows, under a picture's name.
    NotAPicture,
    /// A picture format scanfit recognises but cannot convert.
    Unsupported {
        /// The format found in the bytes.
        format: Format,
    },
    /// The input file is larger than the configured limit.
    TooLarge {
        /// Size of the file.
        bytes: u64,
        /// The limit.
        max: u64,
    },
    /// The picture has more pixels than the configured limit (a decompression bomb, or a
    /// scan too large to hold in memory).
    TooManyPixels {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The limit.
        max: u64,
    },
    /// The file states a picture with no width or no height (0 pixels): nothing to show.
    NoPixels {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// The decoder refused the data.
    Corrupt {
        /// The sniffed format.
        format: Format,
        /// The decoder's words.
        detail: String,
    },
    /// The file ends before its picture data does (an interrupted copy or download);
    /// code `corrupt`, as it always was, with words of its own in every language.
    Truncated {
        /// The sniffed format.
        format: Format,
    },
    /// The compressed picture data is damaged: decoders would show garbage or gray for
    /// part of the picture, so it is refused rather than converted (code
    /// `corrupt_data`; the damage has a code of its own).
    CorruptData {
        /// The sniffed format.
        format: Format,
        /// What the decoder found.
        damage: JpegDamage,
    },
    /// A multi-page file (TIFF, PDF) or one of its pages could not be decoded.
    Page(#[from] PageError),
    /// A TIFF layout needs libtiff, which is not installed.
    TiffLib(#[from] TiffLibError),
    /// A PDF page stored as JBIG2 needs jbig2dec, which is not installed.
    Jbig2(#[from] Jbig2Error),
    /// A JPEG 2000 picture could not be decoded.
    Jpeg2000(#[from] Jpeg2000Error),
    /// HEIC/AVIF could not be decoded, or libheif is not installed.
    Heif(#[from] HeifError),
    /// No encoding within the quality and resolution floors lands inside the band.
    BandUnreachable {
        /// Lower bound of the band.
        min: u64,
        /// Upper bound of the band.
        max: u64,
        /// What the closest attempt was.
        closest: Closest,
    },
    /// The encoder failed.
    Encode(String),
    /// Writing the output failed; nothing partial was left behind.
    Write {
        /// The output that could not be written.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The planned output would replace an input file.
    WouldOverwriteInput {
        /// The output path.
        path: PathBuf,
    },
    /// A decoder or encoder panicked; caught so the batch goes on.
    Panic(String),
    /// A folder of the input could not be listed.
    ReadFolder(#[source] io::Error),
    /// A folder where outputs would go is a link, so they would land outside OUT.
    OutputFolderIsLink {
        /// The linked folder.
        path: PathBuf,
    },
}

/// The closest attempt of a band search that found no encoding in the band.
#[derive(Debug, Clone, PartialEq)]
pub enum Closest {
    /// Only PNG was allowed, and the lossless PNG is outside the band.
    Png {
        /// Its size.
        bytes: u64,
    },
    /// The JPEG attempt closest to the band.
    Jpeg {
        /// The size is a probe's estimate, not a full encode's.
        estimated: bool,
        /// Its size in bytes.
        bytes: f64,
        /// Its quality.
        quality: u8,
        /// Its width.
        width: u32,
        /// Its height.
        height: u32,
        /// Its legibility score and the floor, when it was under the floor.
        illegible: Option<(f64, f64)>,
        /// The number of encodes after which the search gave up, if it gave up.
        gave_up_after: Option<u32>,
    },
}

/// Why an input was passed over: nothing to do, and nothing wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Its output exists already (a re-run only does what is missing).
    OutputExists,
    /// Not a picture, and not named as one (a `.docx` in the folder).
    NotAPicture,
    /// A link whose target does not exist (or loops).
    BrokenLink,
    /// A link to a folder, not followed (it could loop or lead outside the input).
    LinkToFolder,
    /// A FIFO, socket or device: opening a FIFO blocks until something writes to it.
    NotAFile,
}

/// Why a record's input was not converted, or was passed over: the typed value behind
/// a report's `error` and `error_code`.
#[derive(Debug, thiserror::Error)]
pub enum Why {
    /// Converting it failed.
    Problem(#[from] Problem),
    /// Nothing to do.
    Skip(Skip),
    /// A stitched set failed.
    Stitch(#[from] StitchError),
    /// Converted, but the original could not be moved or deleted (`watch --originals`).
    Original(OriginalError),
}

impl From<Skip> for Why {
    fn from(skip: Skip) -> Why {
        Why::Skip(skip)
    }
}

/// An original that `watch --originals` could not move or delete after its output was
/// written (the output is fine; the original is still where it was).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginalError {
    /// Deleting failed.
    NotDeleted {
        /// The original.
        path: PathBuf,
        /// The system's words.
        detail: String,
    },
    /// Moving failed.
    NotMoved {
        /// The original.
        path: PathBuf,
        /// The folder it was to go to.
        dir: PathBuf,
        /// The system's words.
        detail: String,
    },
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
    Profile(#[from] ProfileError),
    /// The stitch settings are out of range.
    Stitch(#[from] StitchOptionsError),
    /// The sweep settings are out of range.
    Sweep(#[from] SweepError),
    /// An input does not exist or cannot be read.
    Input {
        /// The input given.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The output folder cannot be created or is an input folder.
    Output {
        /// The output folder.
        path: PathBuf,
        /// What is wrong with it.
        why: OutputWhy,
    },
}

/// What is wrong with an output folder.
#[derive(Debug)]
pub enum OutputWhy {
    /// It cannot be created: the system's cause, worded per language.
    Create(io::Error),
    /// It is one of the input folders.
    IsInput,
    /// It is the watched folder.
    IsWatched,
}

/// Something the user should know about an output that was written anyway.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// The picture is gray; the portal's reviewers reject black-and-white copies.
    Grayscale,
    /// The picture is black and white only (a 1-bit or thresholded scan).
    Bilevel,
    /// The source looks blurred (its sharpness); reviewers reject unclear pictures.
    Blurred(f64),
    /// The source's long edge has too few pixels for small print to stay legible.
    LowResolution(u32),
    /// Only the first frame of an animation was kept.
    Animated,
    /// The picture is stored with more pixels than the limit and was decoded smaller.
    Reduced(Reduced),
    /// The colour profile could not be used.
    ProfileIgnored(IccIssue),
    /// A CMYK source without a usable colour profile was converted to RGB with a
    /// generic formula. (With one, its profile is applied and nothing is said.)
    CmykApproximate,
    /// A CMYK source's colour profile could not be used (said before
    /// [`Warning::CmykApproximate`]).
    CmykProfileIgnored(CmykIccIssue),
    /// The source was enlarged by this factor to reach the minimum size.
    Enlarged(f64),
    /// A piece of a stitched picture was enlarged by this factor to match the others.
    EnlargedToMatch(f64),
    /// Imperceptible grain was added: the picture is too flat to reach the minimum size.
    Grained {
        /// The grain's largest change of a sample, in levels of 255.
        levels: u8,
    },
    /// A warning about one piece of a stitched picture.
    InPiece {
        /// The piece's file name.
        piece: String,
        /// Its page, when the file has several.
        page: Option<u32>,
        /// What is true of that piece.
        warning: Box<Warning>,
    },
    /// The output reads fewer characters with confidence than its source, even at the
    /// most bytes the band allows (`convert --verify-reading`).
    ReadingLost {
        /// Characters the source reads with confidence.
        source: u32,
        /// Of those, the ones the output does not.
        missed: u32,
    },
    /// `convert --verify-reading` could not read the picture: the output was not checked.
    ReadingUnchecked,
    /// The file was renamed: its bytes are another format than its name says.
    Renamed {
        /// The real format.
        real: crate::sniff::Format,
    },
    /// What the reviewer rejects on sight, found in the source's pixels
    /// ([`crate::document`]); convert does not know the document's kind, so it only warns.
    Content(crate::document::ContentFinding),
}

impl Warning {
    /// Whether the portal refuses a picture that has this: black-and-white or grey where
    /// colour is required (of the picture itself, or of one of its stitched pieces).
    pub fn refused_by_portal(&self) -> bool {
        match self {
            Warning::Grayscale | Warning::Bilevel => true,
            Warning::InPiece { warning, .. } => warning.refused_by_portal(),
            _ => false,
        }
    }
}

/// Why a colour profile could not be used (the picture is then taken as sRGB).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IccIssue {
    /// The profile cannot be parsed; the parser's words.
    Unreadable(String),
    /// The profile describes another colour space than the RGB pixels (named).
    NotRgb(String),
    /// No transform to sRGB can be built from it; the library's words.
    CannotConvert(String),
    /// The transform failed; the library's words.
    ConversionFailed(String),
}

/// Why a CMYK source's colour profile could not be used (its ink then goes to RGB by
/// the generic formula).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CmykIccIssue {
    /// The profile cannot be parsed; the parser's words.
    Unreadable(String),
    /// The profile describes another colour space than CMYK (named).
    NotCmyk(String),
    /// No transform to sRGB can be built from it, or it failed; the library's words.
    CannotConvert(String),
}

// The errors each stage raises are kept here, at the bottom of the layers, so that
// `Problem`, `Why` and `SetupError` can hold them without this module importing the
// stages (each stage re-exports its own).

/// What a corrupt-data warning of libjpeg says about the damage. Reported as
/// [`Problem::CorruptData`] or [`PageError::CorruptData`] (code `corrupt_data`), with
/// this kind's own code for machines; its words are in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JpegDamage {
    /// A bit sequence that is no Huffman code of the scan's tables (`bad_huffman_code`).
    BadHuffmanCode,
    /// The coded data of a scan or restart interval ends before all its blocks do
    /// (`premature_end_of_segment`).
    PrematureEnd,
    /// Bytes left over after the blocks a scan or interval should hold
    /// (`extraneous_bytes`).
    Extraneous {
        /// How many bytes were skipped.
        count: u32,
        /// The marker they preceded.
        marker: u8,
    },
    /// A restart marker missing, or out of order (`restart_marker`).
    RestartMarker {
        /// The marker found instead.
        found: u8,
        /// The restart marker number (0–7) expected.
        expected: u8,
    },
    /// The scans of a progressive JPEG contradict each other (`bad_progression`).
    BadProgression,
    /// The file ends inside the picture data (`premature_end_of_file`).
    PrematureEndOfFile,
}

/// Why a multi-page file, or one of its pages, could not be turned into pixels.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// The TIFF structure itself could not be read, so no page can be found.
    #[error("the TIFF file could not be read: {0}")]
    Tiff(String),
    /// The PDF structure itself could not be read, so no page can be found.
    #[error("the PDF file could not be read: {0}")]
    Pdf(String),
    /// The PDF needs a password to open.
    #[error("the PDF is password-protected: save an unprotected copy and try again")]
    Encrypted,
    /// The file holds no page at all.
    #[error("the file has no pages")]
    NoPages,
    /// A PDF page holds text, drawings or several images, so it is not a plain scan.
    #[error(
        "page {page} is not a scanned image (it has text, drawings or several pictures); \
         export that page as an image, or scan the paper instead"
    )]
    NotAScannedImage {
        /// 1-based page number.
        page: u32,
    },
    /// A PDF page's image is stored in a compression this module cannot decode.
    #[error(
        "page {page} stores its picture as {filter}, which scanfit cannot decode; \
         re-scan or re-save it as JPEG, PNG or TIFF"
    )]
    UnsupportedFilter {
        /// 1-based page number.
        page: u32,
        /// The PDF filter name, with a short explanation.
        filter: String,
    },
    /// A page uses a colour layout or sample format this module cannot decode.
    #[error("page {page} uses {what}, which scanfit cannot decode; save it as RGB or grey")]
    UnsupportedColor {
        /// 1-based page number.
        page: u32,
        /// What the page uses, in words.
        what: String,
    },
    /// A page's data is damaged or inconsistent.
    #[error("page {page} is damaged: {detail}")]
    Corrupt {
        /// 1-based page number.
        page: u32,
        /// What went wrong, from the decoder.
        detail: String,
    },
    /// A page's JPEG data is damaged (code `corrupt_data`, as for a JPEG file).
    #[error(
        "page {page}'s picture data is damaged ({damage}): part of the page would be \
         garbage; get the file again from its source"
    )]
    CorruptData {
        /// 1-based page number.
        page: u32,
        /// What the decoder found.
        damage: JpegDamage,
    },
}

/// Why libtiff could not be used for a file. Its words are in the catalogue
/// ([`crate::words`]).
#[derive(Debug, thiserror::Error)]
pub enum TiffLibError {
    /// libtiff could not be loaded. Holds the loader's reason.
    LibraryMissing {
        /// The loader's reason for each library name tried.
        reason: String,
    },
}

/// Why a PDF page stored as JBIG2 could not be decoded. Its words are in the catalogue
/// ([`crate::words`]); damaged JBIG2 data is a [`PageError::Corrupt`] like any page's.
#[derive(Debug, thiserror::Error)]
pub enum Jbig2Error {
    /// jbig2dec could not be loaded.
    LibraryMissing {
        /// 1-based page number.
        page: u32,
        /// The loader's reason for each library name tried.
        reason: String,
    },
}

/// Why a JPEG 2000 picture could not be decoded. Its words are in the catalogue
/// ([`crate::words`]).
#[derive(Debug, thiserror::Error)]
pub enum Jpeg2000Error {
    /// The data is damaged, truncated or not JPEG 2000 at all; holds OpenJPEG's words.
    Corrupt {
        /// What went wrong.
        detail: String,
    },
    /// A component layout scanfit does not turn into pixels (more than four
    /// components, e-sYCC, more than 16 bits per sample).
    Unsupported {
        /// The layout, in words.
        what: String,
    },
}

/// Errors decoding HEIF/AVIF.
#[derive(Debug, thiserror::Error)]
pub enum HeifError {
    /// libheif could not be loaded (not installed, or too old to have a function we need).
    /// Holds the loader's reason.
    #[error(
        "HEIC/AVIF support needs libheif at run time (Debian/Ubuntu: apt install libheif1): {0}"
    )]
    LibraryMissing(String),
    /// libheif reported an error reading or decoding the file; holds libheif's message.
    #[error("HEIC/AVIF data cannot be decoded: {0}")]
    Decode(String),
}

/// How a JPEG stored with more pixels than the limit was decoded smaller: in the DCT
/// domain, at the largest of 1/2, 1/4 and 1/8 of its size that fits, for the cost of
/// its entropy decoding and not of a full-size picture (a 200 MP phone photo would
/// need 600 MB as pixels, and 4 MB cannot carry that much detail anyway).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reduced {
    /// The width the file stores.
    pub width: u32,
    /// The height the file stores.
    pub height: u32,
    /// Decoded at 1/`denominator` of that size across and down: 2, 4 or 8.
    pub denominator: u8,
    /// The pixel limit it is over.
    pub limit: u64,
}

/// Numbers of a profile that contradict each other.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// The minimum size is above the maximum.
    MinAboveMax {
        /// The minimum, in bytes.
        min: u64,
        /// The maximum, in bytes.
        max: u64,
    },
    /// The band is under 10 % wide: JPEG sizes jump by a few percent per quality step.
    BandTooNarrow,
    /// The maximum is under 1 KiB.
    MaxTooSmall,
    /// A quality is outside 1–100.
    QualityRange,
    /// The floor quality is above the preferred one.
    MinQualityAboveQuality {
        /// The floor.
        min_quality: u8,
        /// The preferred quality.
        quality: u8,
    },
    /// The legibility floor is outside 0–1.
    MinScoreRange,
    /// The resolution floor is zero.
    MinLongEdgeZero,
}

/// Stitch settings out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StitchOptionsError {
    /// The gap or the margin is over [`MAX_SPACING`](crate::stitch::MAX_SPACING).
    SpacingTooLarge {
        /// The gap given.
        gap: u32,
        /// The margin given.
        margin: u32,
        /// The largest accepted.
        max: u32,
    },
}

/// Why one set was not stitched.
#[derive(Debug, thiserror::Error)]
pub enum StitchError {
    /// A piece could not be read or decoded.
    Piece {
        /// The piece.
        path: PathBuf,
        /// Its page, when the file has several.
        page: Option<u32>,
        /// What went wrong.
        problem: Problem,
    },
    /// Fewer than two pieces.
    TooFewPieces(usize),
    /// The layout cannot be built.
    Layout(#[from] LayoutError),
    /// The canvas could not be brought into the band.
    Fit(Problem),
    /// The output would replace one of the pieces.
    WouldOverwriteInput {
        /// The output.
        path: PathBuf,
    },
    /// Writing failed; nothing partial was left.
    Write {
        /// The output.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A decoder or encoder panicked; caught so the batch goes on.
    Panic(String),
}

/// Why a layout cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    /// Nothing to lay out.
    NoPieces,
    /// Even with every piece at one pixel, gaps and margins exceed the canvas limit.
    TooLarge {
        /// Number of pieces.
        pieces: usize,
        /// Gap used.
        gap: u32,
        /// Margin used.
        margin: u32,
        /// Canvas limit.
        max: u64,
    },
}

/// Sweep settings that cannot be swept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SweepError {
    /// An axis of the grid has no value.
    EmptyAxis,
    /// A quality outside 1–100.
    QualityRange,
    /// A downscale factor outside (0, 1].
    ScaleRange,
    /// A sample or a number of repeats of zero.
    SampleZero,
    /// A colour floor outside 0–1.
    MinColourRange,
}
