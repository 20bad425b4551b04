//! Every message renders in every language without a Fluent error: no missing id, no
//! missing argument, and no argument the message does not use.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::*;
use crate::check::{Finding, MetadataFound, Reason, Verdict};
use crate::decode::heif::HeifError;
use crate::decode::jbig2::Jbig2Error;
use crate::decode::jpeg::JpegDamage;
use crate::decode::jpeg2000::Jpeg2000Error;
use crate::decode::libtiff::TiffLibError;
use crate::decode::pages::PageError;
use crate::error::*;
use crate::options::{ProfileError, ProfileFileError, SizeError};
use crate::sniff::Format;
use crate::stitch::{LayoutError, RowError, SetsError, StitchError, StitchOptionsError};
use crate::sweep::{QualityListError, SweepError};
use crate::words::chart::ChartError;

fn io() -> std::io::Error {
    std::io::Error::other("disk on fire")
}

/// One sample of every message the library has (each variant once at least).
fn samples() -> Vec<Box<dyn Message>> {
    let mut all = problem_samples();
    all.extend(nested_samples());
    all.extend(warning_samples());
    all.extend(setup_samples());
    all.extend(check_samples());
    all.extend(stitch_samples());
    all.extend(sweep_samples());
    all.extend(shard_samples());
    all.extend(rules_samples());
    all.extend(ocr_samples());
    #[cfg(feature = "watch")]
    all.extend(watch_samples());
    #[cfg(feature = "serve")]
    all.extend(serve_samples());
    all
}

/// Values that are said inside others, on their own too, so every message is checked.
fn nested_samples() -> Vec<Box<dyn Message>> {
    let mut all: Vec<Box<dyn Message>> = vec![
        Box::new(Closest::Png { bytes: 3 }),
        Box::new(crate::write::InTheWay("out/a".into())),
        Box::new(OutputWhy::IsInput),
        Box::new(OutputWhy::IsWatched),
        Box::new(OutputWhy::Create(io())),
        Box::new(IccIssue::Unreadable("x".into())),
        Box::new(IccIssue::NotRgb("Cmyk".into())),
        Box::new(IccIssue::CannotConvert("x".into())),
        Box::new(IccIssue::ConversionFailed("x".into())),
        Box::new(RowError::TooFewPictures {
            name: "a".into(),
            count: 1,
        }),
        Box::new(RowError::EmptyCell(3)),
        Box::new(RowError::BadName("../a".into())),
        Box::new(RowError::NameTaken("a".into())),
    ];
    all.push(Box::new(Closest::Jpeg {
        estimated: false,
        bytes: 3.0,
        quality: 70,
        width: 2,
        height: 1,
        illegible: None,
        gave_up_after: None,
    }));
    let damages = [
        JpegDamage::BadHuffmanCode,
        JpegDamage::PrematureEnd,
        JpegDamage::Extraneous {
            count: 12,
            marker: 0xD9,
        },
        JpegDamage::RestartMarker {
            found: 0xD7,
            expected: 4,
        },
        JpegDamage::BadProgression,
        JpegDamage::PrematureEndOfFile,
    ];
    all.extend(damages.map(|d| Box::new(d) as Box<dyn Message>));
    let cmyk_icc = [
        CmykIccIssue::Unreadable("x".into()),
        CmykIccIssue::NotCmyk("Rgb".into()),
        CmykIccIssue::CannotConvert("x".into()),
    ];
    all.extend(cmyk_icc.map(|i| Box::new(i) as Box<dyn Message>));
    #[cfg(feature = "watch")]
    all.push(Box::new(crate::watch::OriginalsWhy::ContainsInput));
    all
}

fn problem_samples() -> Vec<Box<dyn Message>> {
    let p = || PathBuf::from("客户A/授权书.jpg");
    let mut all: Vec<Box<dyn Message>> = Vec::new();
    let problems = vec![
        Problem::Read(io()),
        Problem::NotAFile,
        Problem::ChangedWhileRead { opened: 9, read: 3 },
        Problem::Empty,
        Problem::NotAPicture,
        Problem::Unsupported {
            format: Format::Psd,
        },
        Problem::TooLarge { bytes: 9, max: 3 },
        Problem::TooManyPixels {
            width: 9,
            height: 9,
            max: 80,
        },
        Problem::NoPixels {
            width: 0,
            height: 32,
        },
        Problem::Corrupt {
            format: Format::Jpeg,
            detail: "bad".into(),
        },
        Problem::Truncated {
            format: Format::Jpeg,
        },
        Problem::BandUnreachable {
            min: 1,
            max: 2,
            closest: Closest::Png { bytes: 3 },
        },
        Problem::BandUnreachable {
            min: 1,
            max: 2,
            closest: Closest::Jpeg {
                estimated: true,
                bytes: 3.0,
                quality: 70,
                width: 2000,
                height: 1000,
                illegible: Some((0.5, 0.7)),
                gave_up_after: Some(8),
            },
        },
        Problem::Encode("x".into()),
        Problem::Write {
            path: p(),
            source: std::io::Error::other(crate::write::InTheWay(p())),
        },
        Problem::WouldOverwriteInput { path: p() },
        Problem::Panic("x".into()),
        Problem::ReadFolder(io()),
        Problem::OutputFolderIsLink { path: p() },
    ];
    let pages = vec![
        PageError::Tiff("x".into()),
        PageError::Pdf("x".into()),
        PageError::Encrypted,
        PageError::NoPages,
        PageError::NotAScannedImage { page: 2 },
        PageError::UnsupportedFilter {
            page: 2,
            filter: "JBIG2".into(),
        },
        PageError::UnsupportedColor {
            page: 2,
            what: "Lab".into(),
        },
        PageError::Corrupt {
            page: 2,
            detail: "x".into(),
        },
        PageError::CorruptData {
            page: 2,
            damage: JpegDamage::BadHuffmanCode,
        },
    ];
    all.push(Box::new(Problem::CorruptData {
        format: Format::Jpeg,
        damage: JpegDamage::BadHuffmanCode,
    }));
    let heif = vec![
        HeifError::LibraryMissing("x".into()),
        HeifError::Decode("x".into()),
    ];
    for e in pages {
        all.push(Box::new(Problem::Page(e)));
    }
    for e in heif {
        all.push(Box::new(Problem::Heif(e)));
    }
    all.push(Box::new(Problem::TiffLib(TiffLibError::LibraryMissing {
        reason: "x".into(),
    })));
    all.push(Box::new(Problem::Jbig2(Jbig2Error::LibraryMissing {
        page: 2,
        reason: "x".into(),
    })));
    let jpeg2000 = [
        Jpeg2000Error::Corrupt { detail: "x".into() },
        Jpeg2000Error::Unsupported {
            what: "5 components".into(),
        },
    ];
    for e in jpeg2000 {
        all.push(Box::new(Problem::Jpeg2000(e)));
    }
    for pr in problems {
        all.push(Box::new(pr));
    }
    all
}

fn warning_samples() -> Vec<Box<dyn Message>> {
    let p = || PathBuf::from("客户A/授权书.jpg");
    let mut all: Vec<Box<dyn Message>> = Vec::new();
    let skips = [
        Skip::OutputExists,
        Skip::NotAPicture,
        Skip::BrokenLink,
        Skip::LinkToFolder,
        Skip::NotAFile,
    ];
    for s in skips {
        all.push(Box::new(s));
    }
    let icc = [
        IccIssue::Unreadable("x".into()),
        IccIssue::NotRgb("Cmyk".into()),
        IccIssue::CannotConvert("x".into()),
        IccIssue::ConversionFailed("x".into()),
    ];
    let mut warnings = vec![
        Warning::Grayscale,
        Warning::Bilevel,
        Warning::Blurred(3.0),
        Warning::LowResolution(900),
        Warning::Animated,
        Warning::Reduced(crate::decode::Reduced {
            width: 16320,
            height: 12240,
            denominator: 2,
            limit: 120_000_000,
        }),
        Warning::CmykApproximate,
        Warning::Enlarged(1.5),
        Warning::EnlargedToMatch(1.5),
        Warning::Grained { levels: 2 },
        Warning::Renamed { real: Format::Png },
        Warning::Content(crate::document::ContentFinding::BorderCut),
        Warning::Content(crate::document::ContentFinding::Photocopy),
        Warning::Content(crate::document::ContentFinding::ScreenPhoto),
        Warning::Content(crate::document::ContentFinding::ElectronicCopy),
        Warning::ReadingLost {
            source: 300,
            missed: 12,
        },
        Warning::ReadingUnchecked,
        Warning::InPiece {
            piece: "a.pdf".into(),
            page: Some(2),
            warning: Box::new(Warning::Grayscale),
        },
    ];
    warnings.extend(icc.into_iter().map(Warning::ProfileIgnored));
    warnings.push(Warning::CmykProfileIgnored(CmykIccIssue::NotCmyk(
        "Rgb".into(),
    )));
    for w in warnings {
        all.push(Box::new(w));
    }
    all.push(Box::new(Why::Original(OriginalError::NotDeleted {
        path: p(),
        detail: "x".into(),
    })));
    all.push(Box::new(Why::Original(OriginalError::NotMoved {
        path: p(),
        dir: p(),
        detail: "x".into(),
    })));
    all
}

fn setup_samples() -> Vec<Box<dyn Message>> {
    let p = || PathBuf::from("客户A/授权书.jpg");
    let mut all: Vec<Box<dyn Message>> = Vec::new();
    let profile = [
        ProfileError::MinAboveMax { min: 2, max: 1 },
        ProfileError::BandTooNarrow,
        ProfileError::MaxTooSmall,
        ProfileError::QualityRange,
        ProfileError::MinQualityAboveQuality {
            min_quality: 9,
            quality: 8,
        },
        ProfileError::MinScoreRange,
        ProfileError::MinLongEdgeZero,
    ];
    for e in profile {
        all.push(Box::new(SetupError::Profile(e)));
    }
    all.push(Box::new(ProfileFileError::Syntax("x".into())));
    for e in [
        SizeError::NotASize("x".into()),
        SizeError::UnknownUnit {
            unit: "p".into(),
            text: "4p".into(),
        },
        SizeError::OutOfRange("x".into()),
    ] {
        all.push(Box::new(e));
    }
    all.push(Box::new(SetupError::Input {
        path: p(),
        source: io(),
    }));
    for why in [
        OutputWhy::Create(io()),
        OutputWhy::IsInput,
        OutputWhy::IsWatched,
    ] {
        all.push(Box::new(SetupError::Output { path: p(), why }));
    }
    all
}

fn check_samples() -> Vec<Box<dyn Message>> {
    use Finding::*;
    let findings = vec![
        Renamed {
            real: Format::Png,
            claimed: Format::Jpeg,
        },
        Renamed {
            real: Format::Heic,
            claimed: Format::Jpeg,
        },
        NotAccepted {
            format: Format::Tiff,
            accepted: "JPG, PNG".into(),
        },
        BadExtension {
            extension: Some("dat".into()),
            suggested: "png".into(),
            accepted: ".jpg, .png".into(),
        },
        BadExtension {
            extension: None,
            suggested: "png".into(),
            accepted: ".jpg, .png".into(),
        },
        TooSmall { bytes: 1, min: 2 },
        TooLarge { bytes: 3, max: 2 },
        TooSmall {
            bytes: 204_799,
            min: 204_800,
        },
        TooLarge {
            bytes: 4_000_001,
            max: 4_000_000,
        },
        TooFewPixels {
            width: 400,
            height: 300,
            min: (500, 300),
        },
        TooManyPixels {
            width: 6000,
            height: 4000,
            max: (5000, 5000),
        },
        Unreadable(Problem::Empty),
        PassedOver(Skip::BrokenLink),
        NotAPicture,
        Orientation(6),
        Gps,
        Metadata(MetadataFound {
            exif: true,
            xmp: true,
            icc: true,
            other: true,
            gps: false,
        }),
        NotSrgb,
        Cmyk,
        Animated,
        Grayscale,
        Bilevel,
        Content {
            found: crate::document::ContentFinding::BorderCut,
            certificate: true,
        },
        Content {
            found: crate::document::ContentFinding::Photocopy,
            certificate: false,
        },
        Content {
            found: crate::document::ContentFinding::ScreenPhoto,
            certificate: true,
        },
        Content {
            found: crate::document::ContentFinding::ElectronicCopy,
            certificate: true,
        },
        Blurred {
            score: 3.0,
            threshold: 12.0,
        },
        LowResolution {
            long_edge: 900,
            min: 1200,
        },
        Rule(crate::rules::Finding::KindUndetected),
    ];
    let mut all: Vec<Box<dyn Message>> = Vec::new();
    all.push(Box::new(Reason {
        page: Some(2),
        finding: Gps,
    }));
    for f in findings {
        all.push(Box::new(f));
    }
    for v in [
        Verdict::Pass,
        Verdict::Skipped,
        Verdict::Warn,
        Verdict::Fail,
    ] {
        all.push(Box::new(v));
    }
    all
}

fn stitch_samples() -> Vec<Box<dyn Message>> {
    let p = || PathBuf::from("合并/客户B.jpg");
    let layout = || LayoutError::TooLarge {
        pieces: 3,
        gap: 1,
        margin: 1,
        max: 9,
    };
    let mut all: Vec<Box<dyn Message>> = vec![
        Box::new(StitchError::Piece {
            path: p(),
            page: Some(2),
            problem: Problem::Empty,
        }),
        Box::new(StitchError::Piece {
            path: p(),
            page: None,
            problem: Problem::Empty,
        }),
        Box::new(StitchError::TooFewPieces(1)),
        Box::new(StitchError::Layout(LayoutError::NoPieces)),
        Box::new(StitchError::Layout(layout())),
        Box::new(StitchError::Fit(Problem::Empty)),
        Box::new(StitchError::WouldOverwriteInput { path: p() }),
        Box::new(StitchError::Write {
            path: p(),
            source: io(),
        }),
        Box::new(StitchError::Panic("x".into())),
        Box::new(StitchOptionsError::SpacingTooLarge {
            gap: 2000,
            margin: 1,
            max: 1000,
        }),
        Box::new(SetsError::Sheet(crate::sheet::SheetError::NotText {
            path: p(),
        })),
        Box::new(SetsError::Empty { path: p() }),
    ];
    for why in [
        RowError::TooFewPictures {
            name: "a".into(),
            count: 1,
        },
        RowError::EmptyCell(3),
        RowError::BadName("../a".into()),
        RowError::NameTaken("a".into()),
    ] {
        all.push(Box::new(SetsError::Row {
            path: p(),
            line: 3,
            why,
        }));
    }
    all
}

fn rules_samples() -> Vec<Box<dyn Message>> {
    use crate::rules::dates::{DateError, Length, LengthError};
    use crate::rules::manifest::{CellError, ManifestError};
    use crate::rules::province::ProvinceError;
    use crate::rules::{KindId, NameError, Province, RulesError, RulesWhy};
    use crate::sheet::{CsvError, SheetError};
    let p = || PathBuf::from("客户A/docs.csv");
    let mut all: Vec<Box<dyn Message>> = Vec::new();
    for f in crate::rules::finding::samples() {
        all.push(Box::new(f));
    }
    all.push(Box::new(Length::Months(3)));
    all.push(Box::new(Length::Days(45)));
    let whys = [
        RulesWhy::Syntax("x".into()),
        RulesWhy::BadId("X".into()),
        RulesWhy::KindTwice("x".into()),
        RulesWhy::NoNames("x".into()),
        RulesWhy::Name(NameError {
            kind: "x".into(),
            name: " ".into(),
        }),
        RulesWhy::NoKinds,
        RulesWhy::UnknownKind("x".into()),
        RulesWhy::ExceptionWithoutWindow,
        RulesWhy::ExceptionTwice {
            province: Province::parse("河北").unwrap(),
            kind: KindId("authorization".into()),
        },
        RulesWhy::UnknownFormat("webp2".into()),
        RulesWhy::Upload,
        RulesWhy::OutOfRange,
        RulesWhy::UnknownApplicant("x".into()),
        RulesWhy::BadApplicant("x".into()),
        RulesWhy::EmptyRequirement,
        RulesWhy::BadPortal("x".into()),
    ];
    for (i, why) in whys.into_iter().enumerate() {
        all.push(Box::new(why.clone()));
        let text = if i == 0 {
            String::new()
        } else {
            "x = 1".into()
        };
        all.push(Box::new(RulesError::Invalid {
            path: p(),
            line: 3,
            text,
            why,
        }));
    }
    all.push(Box::new(RulesError::Read {
        path: p(),
        source: io(),
    }));
    all.push(Box::new(RulesError::UnknownPortal {
        given: "azure".into(),
        known: vec!["aliyun".into(), "tencent".into()],
    }));
    let sheets = [
        SheetError::Read {
            path: p(),
            source: io(),
        },
        SheetError::NotText { path: p() },
        SheetError::Csv {
            path: p(),
            line: 2,
            why: CsvError::UnclosedQuote,
        },
        SheetError::Csv {
            path: p(),
            line: 2,
            why: CsvError::Unreadable,
        },
    ];
    for e in sheets {
        all.push(Box::new(ManifestError::Sheet(e)));
    }
    all.push(Box::new(ManifestError::NoHeader { path: p() }));
    all.push(Box::new(ManifestError::Duplicate {
        path: p(),
        row: 4,
        first: 2,
        file: "a.jpg".into(),
    }));
    let cells = [
        CellError::Date(DateError::NotADate("x".into())),
        CellError::Date(DateError::NotAnExpiry("x".into())),
        CellError::Province(ProvinceError("火星".into())),
        CellError::UnknownNeed("签证".into()),
        CellError::UnknownApplicant("外星人".into()),
    ];
    for why in cells {
        all.push(Box::new(why.clone()));
        all.push(Box::new(ManifestError::Cell {
            path: p(),
            row: 3,
            letter: "C".into(),
            column: "issued".into(),
            why,
        }));
    }
    all.push(Box::new(LengthError("3 monts".into())));
    all.push(Box::new(CsvError::UnclosedQuote));
    all.push(Box::new(CsvError::Unreadable));
    all
}

fn shard_samples() -> Vec<Box<dyn Message>> {
    use crate::merge::MergeError;
    use crate::shard::ShardError;
    let p = |s: &str| PathBuf::from(s);
    let mut all: Vec<Box<dyn Message>> = vec![
        Box::new(ShardError::Spec("3".into())),
        Box::new(ShardError::ZeroCount),
        Box::new(ShardError::OutOfRange { index: 4, count: 4 }),
        Box::new(ShardError::OutOfRange { index: 1, count: 1 }),
        Box::new(ShardError::NoIndex),
        Box::new(ShardError::BadVariable {
            name: crate::shard::K8S_INDEX,
            value: "x".into(),
        }),
        Box::new(ShardError::NoSlurmMin),
        Box::new(ShardError::OffSlurmArray {
            id: 3,
            min: 1,
            step: 2,
        }),
        Box::new(ShardError::SlurmCount { tasks: 4, count: 8 }),
    ];
    all.extend(
        [
            MergeError::Read {
                path: p("r.jsonl"),
                source: io(),
            },
            MergeError::NotShardReport { path: p("r.jsonl") },
            MergeError::BadLine {
                path: p("r.jsonl"),
                line: 3,
            },
            MergeError::Inconsistent { path: p("r.jsonl") },
            MergeError::OtherRun {
                path: p("b.jsonl"),
                first: p("a.jsonl"),
            },
            MergeError::Duplicate {
                shard: 1,
                first: p("a.jsonl"),
                path: p("b.jsonl"),
            },
            MergeError::Missing {
                shards: vec![2],
                count: 3,
            },
            MergeError::Missing {
                shards: vec![0, 2],
                count: 3,
            },
        ]
        .map(|e| Box::new(e) as Box<dyn Message>),
    );
    all
}

fn sweep_samples() -> Vec<Box<dyn Message>> {
    let mut all: Vec<Box<dyn Message>> = Vec::new();
    for e in [
        SweepError::EmptyAxis,
        SweepError::QualityRange,
        SweepError::ScaleRange,
        SweepError::SampleZero,
        SweepError::MinColourRange,
    ] {
        all.push(Box::new(e));
    }
    for e in [
        QualityListError::NotAQuality("x".into()),
        QualityListError::Backwards("9..1".into()),
        QualityListError::NoQuality(",".into()),
    ] {
        all.push(Box::new(e));
    }
    all.push(Box::new(ChartError::Format {
        path: "a.gif".into(),
    }));
    all.push(Box::new(ChartError::Draw("x".into())));
    all.push(Box::new(ChartError::Write {
        path: "a.svg".into(),
        source: io(),
    }));
    all
}

fn ocr_samples() -> Vec<Box<dyn Message>> {
    use crate::ocr::OcrError;
    vec![
        Box::new(OcrError::Load {
            model: "det",
            detail: "x".into(),
        }),
        Box::new(OcrError::Run {
            model: "rec",
            detail: "x".into(),
        }),
        Box::new(OcrError::Output { model: "cls" }),
        Box::new(OcrError::NoCharset),
    ]
}

#[cfg(feature = "watch")]
fn watch_samples() -> Vec<Box<dyn Message>> {
    use crate::watch::{BadOriginals, Notice, OriginalsWhy, WatchError};
    let p = || PathBuf::from("/srv/scans");
    vec![
        Box::new(WatchError::NotAFolder { path: p() }),
        Box::new(WatchError::Watch {
            path: p(),
            source: notify::Error::generic("x"),
        }),
        Box::new(WatchError::Journal {
            path: p(),
            source: io(),
        }),
        Box::new(WatchError::OriginalsFolder {
            path: p(),
            why: OriginalsWhy::Create(io()),
        }),
        Box::new(WatchError::OriginalsFolder {
            path: p(),
            why: OriginalsWhy::ContainsInput,
        }),
        Box::new(BadOriginals("trash".into())),
        Box::new(Notice::Event("x".into())),
        Box::new(Notice::PassedOver {
            path: p(),
            why: Why::Skip(Skip::BrokenLink),
        }),
    ]
}

#[cfg(feature = "serve")]
fn serve_samples() -> Vec<Box<dyn Message>> {
    use crate::serve::problem::Refusal;
    use crate::serve::ServeError;
    let addr: std::net::SocketAddr = "0.0.0.0:8080".parse().unwrap();
    let mut all: Vec<Box<dyn Message>> = vec![
        Box::new(ServeError::Bind { addr, source: io() }),
        Box::new(ServeError::Unprotected { addr }),
        Box::new(ServeError::Setup(SetupError::Profile(
            ProfileError::MaxTooSmall,
        ))),
        Box::new(ServeError::EmptyToken),
        Box::new(ServeError::BadOrigin("portal".into())),
        Box::new(ServeError::Io(io())),
        Box::new(ServeError::DrainTimeout {
            secs: 30,
            requests: 2,
        }),
    ];
    let refusals = vec![
        Refusal::NotFound,
        Refusal::MethodNotAllowed,
        Refusal::ForbiddenHost,
        Refusal::CrossOrigin,
        Refusal::Unauthorized,
        Refusal::UnknownParameter("max_szie".into()),
        Refusal::RepeatedParameter("quality".into()),
        Refusal::BadValue {
            name: "quality".into(),
            value: "abc".into(),
        },
        Refusal::BadQuery,
        Refusal::Profile(ProfileError::QualityRange),
        Refusal::Stitch(StitchOptionsError::SpacingTooLarge {
            gap: 2000,
            margin: 1,
            max: 1000,
        }),
        Refusal::Empty,
        Refusal::OneFile(2),
        Refusal::BadMultipart("x".into()),
        Refusal::CutOff("x".into()),
        Refusal::TooSlow(4096),
        Refusal::TooLarge(9),
        Refusal::Overloaded,
        Refusal::Timeout(120),
        Refusal::Internal("x".into()),
    ];
    for r in refusals {
        all.push(Box::new(r));
    }
    all
}

/// Every message of `lang`: its id, the variables it uses (through the messages it
/// references too).
fn catalogue(lang: Lang) -> Vec<(String, BTreeSet<String>)> {
    client::messages(
        FILES
            .iter()
            .filter(|(l, _, _)| *l == lang)
            .map(|(_, _, text)| *text),
    )
}

#[test]
fn every_message_renders_in_every_language_with_exactly_its_arguments() {
    let mut rendered = BTreeSet::new();
    for &lang in Lang::ALL {
        let known = catalogue(lang);
        for sample in samples() {
            let words = sample.words(lang);
            let text = try_text(lang, &words.id, &words.args)
                .unwrap_or_else(|e| panic!("{}: {e:?}", sample.code()));
            assert!(
                !text.is_empty() && !text.contains('{'),
                "{}: {text}",
                words.id
            );
            let (_, used) = known
                .iter()
                .find(|(id, _)| *id == words.id)
                .unwrap_or_else(|| panic!("{}: no message {}", lang.tag(), words.id));
            let given: BTreeSet<String> = words.args.iter().map(|(k, _)| k.to_owned()).collect();
            assert_eq!(&given, used, "{}: arguments of {}", lang.tag(), words.id);
            rendered.insert(words.id);
        }
    }
    // Every message of the library's families is said by some value (the command
    // line's own texts are rendered by the tests that run it).
    let english = catalogue(Lang::En);
    let unsaid: Vec<&String> = english
        .iter()
        .map(|(id, _)| id)
        .filter(|id| {
            !id.starts_with("cli-") && !id.starts_with("chart-") && !id.starts_with("metadata-")
        })
        .filter(|id| !id.starts_with("list-") && !id.starts_with("warning-piece_page"))
        // Values said inside messages and plain lines (sizes, I/O errors, a sweep's
        // setting), and the help's words (the CLI's tests render them).
        .filter(|id| {
            !["unit-", "io-", "library-", "sweep-setting", "sweep-family"]
                .iter()
                .any(|p| id.starts_with(p))
        })
        .filter(|id| {
            !["about-", "help-", "value-", "heading-", "usage-", "note-"]
                .iter()
                .any(|p| id.starts_with(p))
        })
        // The page fills its own texts in (client.rs tests them).
        .filter(|id| !id.starts_with("page-"))
        .filter(|id| cfg!(feature = "watch") || !id.starts_with("watch-"))
        .filter(|id| {
            cfg!(feature = "serve") || !["serve-", "api-"].iter().any(|p| id.starts_with(p))
        })
        .filter(|id| !rendered.contains(*id))
        .collect();
    assert!(unsaid.is_empty(), "messages no value says: {unsaid:?}");
}

#[test]
fn english_keeps_the_sentences_reports_had() {
    let closest = Closest::Jpeg {
        estimated: true,
        bytes: 4_123_456.4,
        quality: 70,
        width: 2000,
        height: 1333,
        illegible: Some((0.61234, 0.7)),
        gave_up_after: Some(8),
    };
    assert_eq!(
        english(&closest),
        "gave up after 8 encodes; closest: about 4123456 bytes at quality 70, 2000×1333 px, \
         legibility 0.612 under the floor 0.700"
    );
    let plain = Closest::Jpeg {
        estimated: false,
        bytes: 100.0,
        quality: 85,
        width: 10,
        height: 20,
        illegible: None,
        gave_up_after: None,
    };
    assert_eq!(
        english(&plain),
        "closest: 100 bytes at quality 85, 10×20 px"
    );
    assert_eq!(
        english(&Finding::Renamed {
            real: Format::Png,
            claimed: Format::Jpeg
        }),
        "renamed: the bytes are PNG, but the name says JPEG; name it .png, or convert it with scanfit convert"
    );
    assert_eq!(
        english(&Finding::BadExtension {
            extension: None,
            suggested: "jpg".into(),
            accepted: ".jpg, .jpeg, .png, .gif".into(),
        }),
        "the name without an extension is not accepted: the portal takes .jpg, .jpeg, .png, .gif files; rename it to .jpg"
    );
    assert_eq!(
        english(&Reason {
            page: Some(2),
            finding: Finding::TooSmall {
                bytes: 1000,
                min: 204_800
            }
        }),
        "page 2: too small: 1.0 kB is under the minimum of 204.8 kB (204800 bytes); scanfit convert re-encodes it into the band"
    );
    // One byte under the floor rounds to the floor: the words give both exact counts.
    assert_eq!(
        english(&Finding::TooSmall {
            bytes: 204_799,
            min: 204_800
        }),
        "too small: 204799 bytes is under the minimum of 204800 bytes (204.8 kB); scanfit convert re-encodes it into the band"
    );
    assert_eq!(
        english(&Warning::InPiece {
            piece: "a.pdf".into(),
            page: Some(2),
            warning: Box::new(Warning::Enlarged(1.5))
        }),
        "a.pdf page 2: enlarged 1.50×: the source was too small for the portal's minimum size"
    );
    assert_eq!(
        english(&Problem::Read(io())),
        "cannot read the file: disk on fire"
    );
    assert_eq!(
        english(&PageError::CorruptData {
            page: 2,
            damage: JpegDamage::RestartMarker {
                found: 0xD7,
                expected: 4
            }
        }),
        "page 2's picture data is damaged (marker 0xD7 where restart marker RST4 belongs): \
         part of the page would be garbage; get the file again from its source"
    );
    assert_eq!(
        english(&StitchError::Piece {
            path: "a.jpg".into(),
            page: Some(3),
            problem: Problem::Empty
        }),
        "piece a.jpg (page 3): the file is empty; nothing was written"
    );
}

#[test]
fn a_missing_message_falls_back_to_its_id_and_arguments() {
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("n", 3);
    assert_eq!(
        text(Lang::En, "no-such-message", &args),
        "no-such-message(n=3)"
    );
}

#[test]
fn every_language_has_every_message_with_the_same_arguments() {
    // Held against English: a message English has and another language lacks (a new
    // area merged with English only, a new flag's help) fails here, as does one whose
    // translation uses an argument English does not give, or drops one.
    let english = catalogue(Lang::En);
    for &lang in &Lang::ALL[1..] {
        let other = catalogue(lang);
        let missing: Vec<&str> = english
            .iter()
            .filter(|(id, _)| !other.iter().any(|(o, _)| o == id))
            .map(|(id, _)| id.as_str())
            .collect();
        assert!(
            missing.is_empty(),
            "{}: no translation of {missing:?}",
            lang.tag()
        );
        let stale: Vec<&str> = other
            .iter()
            .filter(|(id, _)| !english.iter().any(|(e, _)| e == id))
            .map(|(id, _)| id.as_str())
            .collect();
        assert!(
            stale.is_empty(),
            "{}: messages English does not have: {stale:?}",
            lang.tag()
        );
        for (id, vars) in &english {
            let (_, theirs) = other.iter().find(|(o, _)| o == id).expect("checked above");
            assert_eq!(vars, theirs, "{}: arguments of {id}", lang.tag());
        }
    }
}

#[test]
fn every_area_exists_in_every_language() {
    let areas = |lang: Lang| -> BTreeSet<&str> {
        FILES
            .iter()
            .filter(|(l, _, _)| *l == lang)
            .map(|(_, a, _)| *a)
            .collect()
    };
    for &lang in Lang::ALL {
        assert_eq!(areas(lang), areas(Lang::En), "{}", lang.tag());
    }
}

#[test]
fn sizes_read_as_each_language_writes_them() {
    assert_eq!(size(4_000_000, Lang::En), "4.00 MB");
    assert_eq!(size(4_000_000, Lang::Zh), "4 MB");
    assert_eq!(size(4_367_437, Lang::En), "4.37 MB");
    assert_eq!(size(4_367_437, Lang::Zh), "4.37 MB");
    assert_eq!(size(4_310_000, Lang::Zh), "4.31 MB");
    assert_eq!(size(4_300_000, Lang::Zh), "4.3 MB");
    assert_eq!(size(204_800, Lang::En), "204.8 kB");
    assert_eq!(size(204_800, Lang::Zh), "204.8 KB");
    assert_eq!(size(1_000, Lang::En), "1.0 kB");
    assert_eq!(size(1_000, Lang::Zh), "1 KB");
    assert_eq!(size(96, Lang::En), "96 B");
    assert_eq!(size(96, Lang::Zh), "96 字节");
    assert_eq!(size(0, Lang::En), "0 B");
    // English reads as ByteSize always did.
    for bytes in [
        0,
        999,
        1_000,
        154_657,
        999_949,
        999_950,
        4_367_437,
        12_345_678_901,
    ] {
        assert_eq!(size(bytes, Lang::En), crate::ByteSize(bytes).to_string());
    }
    assert_eq!(
        say(&Finding::TooLarge { bytes: 4_310_000, max: 4_000_000 }, Lang::Zh),
        "文件太大：4.31 MB 超过上限 4 MB（4000000 字节）；scanfit convert 会把它重新编码到规定的大小范围内"
    );
}

#[test]
fn locale_names_choose_the_language() {
    for zh in [
        "zh",
        "zh_CN.UTF-8",
        "zh_SG",
        "zh-Hans",
        "zh-Hans-CN",
        "zh_TW.Big5",
        "zh_HK",
        "ZH-cn",
        "zh_CN@stroke",
    ] {
        assert_eq!(Lang::from_tag(zh), Some(Lang::Zh), "{zh}");
    }
    for en in ["en", "en_US.UTF-8", "en-GB"] {
        assert_eq!(Lang::from_tag(en), Some(Lang::En), "{en}");
    }
    for none in ["C", "POSIX", "C.UTF-8", "fr_FR.UTF-8", "", "zhx", "ja_JP"] {
        assert_eq!(Lang::from_tag(none), None, "{none}");
    }
}

#[test]
fn a_decoders_english_stays_out_of_other_languages() {
    let pdf = PageError::Pdf("failed parsing cross reference table".into());
    assert!(say(&pdf, Lang::En).contains("failed parsing cross reference table"));
    let zh = say(&pdf, Lang::Zh);
    assert!(!zh.contains("failed"), "{zh}");
    assert!(zh.contains(&super::line(Lang::Zh, "library-detail", Args::new())));
}

#[test]
fn system_errors_read_in_the_language_where_it_has_words() {
    let not_found = std::io::Error::from(std::io::ErrorKind::NotFound);
    assert_eq!(io_text(&not_found, Lang::Zh), "文件或文件夹不存在");
    assert_eq!(io_text(&not_found, Lang::En), not_found.to_string());
    let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
    assert_eq!(io_text(&denied, Lang::Zh), "没有访问权限");
    // A kind without words of its own keeps the system's text.
    assert_eq!(io_text(&io(), Lang::Zh), "disk on fire");
    assert_eq!(
        say(&Problem::Read(not_found), Lang::Zh),
        "无法读取文件：文件或文件夹不存在"
    );
}

#[test]
fn a_sweep_setting_keeps_its_english_label_and_reads_in_chinese() {
    use crate::encode::{JpegSettings, Subsampling};
    let setting = crate::sweep::Setting {
        quality: 60,
        jpeg: JpegSettings {
            subsampling: Subsampling::S420,
            progressive: true,
            trellis: true,
        },
        scale: 0.75,
    };
    assert_eq!(setting.label(), "q60 4:2:0 progressive trellis ×0.75");
    assert_eq!(
        setting.label_in(Lang::Zh),
        "质量 60 4:2:0 渐进式 网格量化 ×0.75"
    );
    let plain = crate::sweep::Setting {
        quality: 85,
        jpeg: JpegSettings {
            progressive: false,
            trellis: false,
            ..setting.jpeg
        },
        scale: 1.0,
    };
    assert_eq!(plain.label(), "q85 4:2:0 baseline");
    assert_eq!(plain.family_in(Lang::Zh), "4:2:0 基线");
}
