//! JBIG2 pages of PDFs, decoded by the system's jbig2dec, loaded at *run time*.
//!
//! OCRmyPDF (with jbig2enc), and many multifunction scanners in their "small PDF" mode,
//! store black-and-white pages as JBIG2: a symbol dictionary (often in a stream shared
//! by all pages, `/JBIG2Globals`) and a text region placing the symbols on the page.
//! jbig2dec is the decoder Ghostscript, MuPDF and Poppler builds use; Debian/Ubuntu ship
//! it as `libjbig2dec0` (and the `jbig2dec` command). It is loaded with `libloading`,
//! as [`libtiff`](super::libtiff) loads libtiff, so `cargo build` needs no C toolchain
//! or headers and a machine without it still reads every other page, naming the package
//! for the JBIG2 ones ([`Jbig2Error::LibraryMissing`]).
//!
//! Safety of use: the streams are handed over from memory in PDF's "embedded" form (no
//! file header); each decode has its own contexts, its own error callback (no
//! process-wide handler) and its own allocator, which refuses to let jbig2dec hold more
//! than a budget derived from the pixel limit, since a page's size is only known inside
//! the stream. A stream that ends inside a segment is refused before jbig2dec sees it:
//! jbig2dec would otherwise finish the page with the missing part left blank and no
//! word about it.

use std::alloc::{self, Layout};
use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr;
use std::sync::OnceLock;

use libloading::Library;

use super::dlopen::load_first;
use super::limits::DecodeLimits;
pub use crate::error::Jbig2Error;

/// Whether jbig2dec can be loaded on this machine.
pub fn available() -> bool {
    api().is_ok()
}

/// A decoded JBIG2 page: rows of `width.div_ceil(8)` bytes, most significant bit first,
/// 1 = black (JBIG2's own convention, the opposite of a PDF 1-bit grey image's).
#[derive(Debug)]
pub(super) struct Bitmap {
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) bits: Vec<u8>,
}

/// Why a JBIG2 stream gave no page.
#[derive(Debug)]
pub(super) enum Failure {
    /// jbig2dec cannot be loaded; the loader's reason for each name tried.
    Missing(String),
    /// The data is damaged, truncated or asks for too much memory; in words.
    Damaged(String),
}

/// Decodes the embedded JBIG2 stream `data` of a PDF image, with the `/JBIG2Globals`
/// stream's data when the image has one. jbig2dec may hold at most a memory budget
/// derived from `limits` (the page and, for a text region, a copy of it and the
/// symbols).
pub(super) fn decode(
    data: &[u8],
    globals: Option<&[u8]>,
    limits: DecodeLimits,
) -> Result<Bitmap, Failure> {
    let api = api().map_err(|reason| Failure::Missing(reason.to_string()))?;
    if let Some(globals) = globals {
        whole_segments(globals).map_err(|e| Failure::Damaged(format!("/JBIG2Globals: {e}")))?;
    }
    whole_segments(data).map_err(Failure::Damaged)?;
    let budget = usize::try_from(limits.max_pixels / 2)
        .unwrap_or(usize::MAX)
        .saturating_add(64 << 20);
    let mut session = Session::new(api, budget);
    let result = session.run(data, globals);
    let refused = session.budget().refused;
    drop(session);
    match result {
        Err(_) if refused => Err(Failure::Damaged(format!(
            "decoding the JBIG2 data needs more than {} MB of memory",
            budget >> 20
        ))),
        other => other.map_err(Failure::Damaged),
    }
}

// ---------------------------------------------------------------------------------------
// The stream's segments (ITU-T T.88, 7.2), walked only to see that none is cut short.

/// Checks that the stream holds whole segments: every segment header complete and every
/// segment's data inside the stream. A segment whose length is "unknown" (0xffffffff,
/// allowed for an immediate generic region whose end is found by scanning) ends the
/// walk; an end of line after the last segment is ignored (some PDF writers count it in
/// the stream's length).
fn whole_segments(data: &[u8]) -> Result<(), String> {
    let mut at = 0usize;
    while at < data.len() {
        if data[at..].iter().all(|b| matches!(b, b'\n' | b'\r')) {
            return Ok(());
        }
        let cut = || "the JBIG2 data ends inside a segment header".to_string();
        let rest = &data[at..];
        let number = be32(rest, 0).ok_or_else(cut)?;
        let flags = *rest.get(4).ok_or_else(cut)?;
        let kind = flags & 0x3f;
        let first = *rest.get(5).ok_or_else(cut)?;
        let (count, mut pos) = match first >> 5 {
            // Long form: a 29-bit count, then one retain bit per referred segment and one
            // for this segment.
            7 => {
                let count = be32(rest, 5).ok_or_else(cut)? & 0x1fff_ffff;
                (count as usize, 9 + (count as usize + 1).div_ceil(8))
            }
            count @ 0..=4 => (usize::from(count), 6),
            _ => return Err("a JBIG2 segment header is invalid".into()),
        };
        let reference_size = match number {
            0..=256 => 1,
            257..=65536 => 2,
            _ => 4,
        };
        pos = count
            .checked_mul(reference_size)
            .and_then(|n| n.checked_add(pos))
            .ok_or_else(cut)?;
        pos += if flags & 0x40 != 0 { 4 } else { 1 };
        let length = be32(rest, pos).ok_or_else(cut)?;
        pos += 4;
        if length == u32::MAX {
            return Ok(());
        }
        let end = pos
            .checked_add(length as usize)
            .filter(|&end| end <= rest.len())
            .ok_or_else(|| format!("the JBIG2 data ends inside segment {number}"))?;
        // End of file (type 51): nothing after it belongs to the page.
        if kind == 51 {
            return Ok(());
        }
        at += end;
    }
    Ok(())
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

// ---------------------------------------------------------------------------------------
// One decode: contexts, allocator and messages, freed together.

/// `JBIG2_OPTIONS_EMBEDDED`: a PDF stream, segments without the file header.
const OPTIONS_EMBEDDED: c_int = 1;
/// `JBIG2_SEVERITY_WARNING`; above it is fatal, below debug and info messages.
const SEVERITY_WARNING: c_int = 2;

/// jbig2dec's `Jbig2Allocator` (three function pointers), followed by the budget the
/// functions keep: jbig2dec hands the pointer back to every call, so the fields after
/// its three are ours.
#[repr(C)]
struct Budget {
    _alloc: unsafe extern "C" fn(*mut Budget, usize) -> *mut c_void,
    _free: unsafe extern "C" fn(*mut Budget, *mut c_void),
    _realloc: unsafe extern "C" fn(*mut Budget, *mut c_void, usize) -> *mut c_void,
    used: usize,
    limit: usize,
    /// An allocation was refused for the budget (jbig2dec then reports a fatal error).
    refused: bool,
}

/// Each block starts with its total size, so `free` and `realloc` know the layout.
const HEADER: usize = 16;

fn block_layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.checked_add(HEADER)?, HEADER).ok()
}

unsafe extern "C" fn budget_alloc(budget: *mut Budget, size: usize) -> *mut c_void {
    // SAFETY: jbig2dec passes back the `Budget` it was given, alive for the session.
    let budget = unsafe { &mut *budget };
    let Some(layout) = block_layout(size) else {
        return ptr::null_mut();
    };
    if budget.used.saturating_add(layout.size()) > budget.limit {
        budget.refused = true;
        return ptr::null_mut();
    }
    // SAFETY: the layout's size is at least HEADER, never zero.
    let block = unsafe { alloc::alloc(layout) };
    if block.is_null() {
        return ptr::null_mut();
    }
    budget.used += layout.size();
    // SAFETY: the block is HEADER-aligned and at least HEADER bytes long.
    unsafe {
        block.cast::<usize>().write(layout.size());
        block.add(HEADER).cast()
    }
}

unsafe extern "C" fn budget_free(budget: *mut Budget, p: *mut c_void) {
    if p.is_null() {
        return;
    }
    // SAFETY: `p` came from `budget_alloc`/`budget_realloc`: its block starts HEADER
    // bytes before it, with the block's size.
    unsafe {
        let budget = &mut *budget;
        let block = p.cast::<u8>().sub(HEADER);
        let size = block.cast::<usize>().read();
        budget.used -= size;
        alloc::dealloc(block, Layout::from_size_align_unchecked(size, HEADER));
    }
}

unsafe extern "C" fn budget_realloc(
    budget: *mut Budget,
    p: *mut c_void,
    size: usize,
) -> *mut c_void {
    if p.is_null() {
        // SAFETY: forwarded.
        return unsafe { budget_alloc(budget, size) };
    }
    let Some(new) = block_layout(size) else {
        return ptr::null_mut();
    };
    // SAFETY: as in `budget_free`; the old block is left alone when this fails, as
    // realloc's contract says.
    unsafe {
        let budget = &mut *budget;
        let block = p.cast::<u8>().sub(HEADER);
        let old = block.cast::<usize>().read();
        let used = budget.used - old;
        if used.saturating_add(new.size()) > budget.limit {
            budget.refused = true;
            return ptr::null_mut();
        }
        let moved = alloc::realloc(
            block,
            Layout::from_size_align_unchecked(old, HEADER),
            new.size(),
        );
        if moved.is_null() {
            return ptr::null_mut();
        }
        budget.used = used + new.size();
        moved.cast::<usize>().write(new.size());
        moved.add(HEADER).cast()
    }
}

/// What jbig2dec said during one decode: its first warning or fatal message.
#[derive(Default)]
struct Messages {
    first: Option<String>,
}

type ErrorCallback = unsafe extern "C" fn(*mut c_void, *const c_char, c_int, u32);

unsafe extern "C" fn on_message(
    data: *mut c_void,
    message: *const c_char,
    severity: c_int,
    _: u32,
) {
    if severity < SEVERITY_WARNING || data.is_null() || message.is_null() {
        return;
    }
    // SAFETY: `data` is the session's `Messages`, alive while its contexts are; jbig2dec
    // passes a NUL-terminated message.
    let messages = unsafe { &mut *data.cast::<Messages>() };
    if messages.first.is_none() {
        let text = unsafe { CStr::from_ptr(message) };
        messages.first = Some(text.to_string_lossy().into_owned());
    }
}

/// jbig2dec's `Jbig2Image` (jbig2_image.h: unchanged from 0.11 to 0.20).
#[repr(C)]
struct Image {
    width: u32,
    height: u32,
    stride: u32,
    data: *mut u8,
    _refcount: c_int,
}

/// The contexts of one decode and what they point into. The budget and messages are
/// boxed so their addresses stay fixed while jbig2dec holds them.
struct Session {
    api: &'static Api,
    budget: *mut Budget,
    messages: *mut Messages,
    globals: *mut c_void,
    page: *mut c_void,
}

impl Session {
    fn new(api: &'static Api, limit: usize) -> Session {
        let budget = Box::into_raw(Box::new(Budget {
            _alloc: budget_alloc,
            _free: budget_free,
            _realloc: budget_realloc,
            used: 0,
            limit,
            refused: false,
        }));
        Session {
            api,
            budget,
            messages: Box::into_raw(Box::default()),
            globals: ptr::null_mut(),
            page: ptr::null_mut(),
        }
    }

    fn budget(&self) -> &Budget {
        // SAFETY: owned by the session; jbig2dec is not running while this is read.
        unsafe { &*self.budget }
    }

    /// jbig2dec's first warning or fatal message so far.
    fn said(&self) -> Option<String> {
        // SAFETY: as in `budget`.
        unsafe { (*self.messages).first.clone() }
    }

    /// jbig2dec's first warning or fatal message, or `otherwise`.
    fn error(&self, otherwise: &str) -> String {
        self.said().unwrap_or_else(|| otherwise.to_string())
    }

    fn context(&self, globals: *mut c_void) -> Result<*mut c_void, String> {
        // SAFETY: the allocator and callback data outlive the context (freed in `drop`
        // after it); the callback has jbig2dec's `Jbig2ErrorCallback` prototype.
        let ctx = unsafe {
            (self.api.ctx_new)(
                self.budget,
                OPTIONS_EMBEDDED,
                globals,
                Some(on_message),
                self.messages.cast(),
            )
        };
        if ctx.is_null() {
            return Err(self.error("jbig2dec could not start a decode"));
        }
        Ok(ctx)
    }

    fn run(&mut self, data: &[u8], globals: Option<&[u8]>) -> Result<Bitmap, String> {
        let api = self.api;
        if let Some(globals) = globals {
            let ctx = self.context(ptr::null_mut())?;
            // SAFETY: a live context; jbig2dec copies what it needs from the slice.
            let read = unsafe { (api.data_in)(ctx, globals.as_ptr(), globals.len()) };
            // SAFETY: turns the context into a global one (the same allocation), which
            // `drop` frees with `jbig2_global_ctx_free`.
            self.globals = unsafe { (api.make_global_ctx)(ctx) };
            if read < 0 || self.said().is_some() {
                return Err(self.error("the /JBIG2Globals data cannot be decoded"));
            }
        }
        self.page = self.context(self.globals)?;
        // SAFETY: a live context; the slice is read during the call only.
        let read = unsafe { (api.data_in)(self.page, data.as_ptr(), data.len()) };
        // jbig2dec decodes around what it finds wrong (symbols it does not have, a
        // region outside the page) and warns: the page would be missing parts, so a
        // warning while the segments are read is damage. (Finishing the page below may
        // warn about a segment of unknown length, which jbig2dec then handles.)
        if read < 0 || self.said().is_some() {
            return Err(self.error("the JBIG2 data cannot be decoded"));
        }
        // PDF streams often end without an end-of-page segment: the page ends with them.
        // SAFETY: a live context.
        unsafe { (api.complete_page)(self.page) };
        // SAFETY: a live context; the image, if any, is released below.
        let image = unsafe { (api.page_out)(self.page) };
        if image.is_null() {
            return Err(self.error("the JBIG2 data holds no complete page"));
        }
        // SAFETY: jbig2dec's page image: `stride` × `height` bytes at `data`, valid until
        // it is released.
        let bitmap = unsafe { copy_page(&*image) };
        // SAFETY: the image came from `page_out` on this context and is released once.
        unsafe { (api.release_page)(self.page, image) };
        bitmap
    }
}

/// The page's rows, repacked to `width.div_ceil(8)` bytes each.
fn copy_page(image: &Image) -> Result<Bitmap, String> {
    let row = image.width.div_ceil(8) as usize;
    let stride = image.stride as usize;
    if image.data.is_null() || stride < row || image.width == 0 || image.height == 0 {
        return Err(format!(
            "jbig2dec produced an unusable {}×{} page",
            image.width, image.height
        ));
    }
    let len = stride
        .checked_mul(image.height as usize)
        .ok_or("the JBIG2 page is too large")?;
    // SAFETY: the caller guarantees `data` holds stride × height bytes.
    let all = unsafe { std::slice::from_raw_parts(image.data, len) };
    let mut bits = Vec::with_capacity(row * image.height as usize);
    for line in all.chunks_exact(stride) {
        bits.extend_from_slice(&line[..row]);
    }
    Ok(Bitmap {
        width: image.width,
        height: image.height,
        bits,
    })
}

impl Drop for Session {
    fn drop(&mut self) {
        // SAFETY: each context is freed once, the page's before the globals it uses,
        // and both before the allocator and messages they point to.
        unsafe {
            if !self.page.is_null() {
                (self.api.ctx_free)(self.page);
            }
            if !self.globals.is_null() {
                (self.api.global_ctx_free)(self.globals);
            }
            drop(Box::from_raw(self.messages));
            drop(Box::from_raw(self.budget));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Loading the library.

struct Api {
    /// `jbig2_ctx_new`: exported as a function by every release (0.18+ keep it for
    /// programs built against older headers, checking no header version).
    ctx_new: unsafe extern "C" fn(
        *mut Budget,
        c_int,
        *mut c_void,
        Option<ErrorCallback>,
        *mut c_void,
    ) -> *mut c_void,
    data_in: unsafe extern "C" fn(*mut c_void, *const u8, usize) -> c_int,
    make_global_ctx: unsafe extern "C" fn(*mut c_void) -> *mut c_void,
    complete_page: unsafe extern "C" fn(*mut c_void) -> c_int,
    page_out: unsafe extern "C" fn(*mut c_void) -> *mut Image,
    /// Returns `int` before 0.18 and nothing since: the value is not used either way.
    release_page: unsafe extern "C" fn(*mut c_void, *mut Image),
    ctx_free: unsafe extern "C" fn(*mut c_void) -> *mut c_void,
    global_ctx_free: unsafe extern "C" fn(*mut c_void) -> *mut c_void,
    _library: Library,
}

/// Debian/Ubuntu's `libjbig2dec0` package, other distributions, then macOS (Homebrew).
#[cfg(not(windows))]
const LIBRARY_NAMES: &[&str] = &["libjbig2dec.so.0", "libjbig2dec.so", "libjbig2dec.0.dylib"];
/// On Windows, beside scanfit.exe or on `PATH`: MSYS2's MinGW build (package
/// mingw-w64-x86_64-jbig2dec). scanfit for Windows does not ship it.
#[cfg(windows)]
const LIBRARY_NAMES: &[&str] = &["libjbig2dec-0.dll", "jbig2dec.dll"];

/// Names another library file to load instead of the usual names (a build in a place
/// the loader does not search); a name that does not load shows what a machine without
/// jbig2dec says.
const LIBRARY_VARIABLE: &str = "SCANFIT_JBIG2_LIBRARY";

/// The process-wide jbig2dec, or the loader's reason for each name tried (attempted
/// once).
fn api() -> Result<&'static Api, &'static str> {
    static API: OnceLock<Result<Api, String>> = OnceLock::new();
    API.get_or_init(|| match std::env::var(LIBRARY_VARIABLE) {
        Ok(name) if !name.is_empty() => load_from(&[name.as_str()]),
        _ => load_from(LIBRARY_NAMES),
    })
    .as_ref()
    .map_err(String::as_str)
}

fn load_from(names: &[&str]) -> Result<Api, String> {
    // SAFETY: jbig2dec has no library initialisers.
    unsafe { load_first(names, "jbig2dec older than 0.11?", resolve) }
}

fn resolve(library: Library) -> Result<Api, libloading::Error> {
    use super::dlopen::symbol as sym;
    // SAFETY: every type below is the prototype of the same-named function in jbig2.h
    // (0.11–0.20), with the opaque Jbig2Ctx and Jbig2GlobalCtx as void pointers and
    // `Budget` beginning with Jbig2Allocator's three members.
    unsafe {
        Ok(Api {
            ctx_new: sym(&library, b"jbig2_ctx_new\0")?,
            data_in: sym(&library, b"jbig2_data_in\0")?,
            make_global_ctx: sym(&library, b"jbig2_make_global_ctx\0")?,
            complete_page: sym(&library, b"jbig2_complete_page\0")?,
            page_out: sym(&library, b"jbig2_page_out\0")?,
            release_page: sym(&library, b"jbig2_release_page\0")?,
            ctx_free: sym(&library, b"jbig2_ctx_free\0")?,
            global_ctx_free: sym(&library, b"jbig2_global_ctx_free\0")?,
            _library: library,
        })
    }
}

#[cfg(test)]
mod tests {
    //! Through [`pdf::pages`](super::super::pdf::pages), the entry point convert and
    //! check use. `jbig2.pdf` is OCRmyPDF's real JBIG2 test file (a text region over a
    //! shared symbol dictionary in `/JBIG2Globals`); `jbig2_ref.png` is the page as the
    //! `jbig2dec` command decodes it from the two streams (tests/fixtures/pages/README.md).

    use super::*;
    use crate::decode::pages::testing::*;
    use crate::decode::pages::{Page, PageError};
    use crate::decode::pdf;
    use crate::error::Problem;
    use image::{DynamicImage, GrayImage};
    use lopdf::{Document, Object, ObjectId};

    /// False (and the test returns early) when jbig2dec is not installed, unless
    /// SCANFIT_REQUIRE_JBIG2 is set, as CI sets it.
    fn have_jbig2dec() -> bool {
        if available() {
            return true;
        }
        assert!(
            std::env::var_os("SCANFIT_REQUIRE_JBIG2").is_none(),
            "SCANFIT_REQUIRE_JBIG2 is set but jbig2dec cannot be loaded: {:?}",
            api().err()
        );
        eprintln!("skipped: jbig2dec is not installed (apt install libjbig2dec0)");
        false
    }

    fn reference() -> GrayImage {
        image::load_from_memory(&fixture("jbig2_ref.png"))
            .unwrap()
            .to_luma8()
    }

    fn first_page(bytes: &[u8], limits: DecodeLimits) -> Result<Page, Problem> {
        pdf::pages(bytes, limits).unwrap().1.next().unwrap()
    }

    /// `jbig2.pdf` with its image XObject changed by `edit`.
    fn edited(edit: impl FnOnce(&mut Document, ObjectId)) -> Vec<u8> {
        let mut doc = Document::load_mem(&fixture("jbig2.pdf")).unwrap();
        let image = doc
            .objects
            .iter()
            .find(|(_, o)| {
                o.as_stream().is_ok_and(|s| {
                    s.dict
                        .get(b"Subtype")
                        .and_then(Object::as_name)
                        .is_ok_and(|n| n == b"Image")
                })
            })
            .map(|(id, _)| *id)
            .unwrap();
        edit(&mut doc, image);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    fn set_content(doc: &mut Document, id: ObjectId, content: Vec<u8>) {
        let stream = doc.get_object_mut(id).unwrap().as_stream_mut().unwrap();
        stream.set_content(content);
    }

    #[track_caller]
    fn damage(page: Result<Page, Problem>) -> String {
        match page {
            Err(Problem::Page(PageError::Corrupt { page: 1, detail })) => detail,
            Err(other) => panic!("expected damage on page 1, got {other:?}"),
            Ok(page) => panic!(
                "expected damage on page 1, got a page {:?}",
                page.image.color()
            ),
        }
    }

    #[test]
    fn a_real_jbig2_page_has_jbig2decs_pixels() {
        if !have_jbig2dec() {
            return;
        }
        let page = first_page(&fixture("jbig2.pdf"), MAX).unwrap();
        let DynamicImage::ImageLuma8(got) = &page.image else {
            panic!("a JBIG2 page stays 8-bit grey: {:?}", page.image.color());
        };
        let expected = reference();
        assert_eq!(got.dimensions(), (2550, 3300));
        assert!(got.pixels().all(|p| matches!(p.0[0], 0 | 255)), "bilevel");
        assert_eq!(got.as_raw(), expected.as_raw(), "pixel for pixel");
        // A page of text: white paper, some ink (not a negative, not blank).
        let black = got.pixels().filter(|p| p.0[0] == 0).count();
        assert!(
            black * 100 > got.len() && black * 5 < got.len(),
            "{black} black pixels of {}",
            got.len()
        );
    }

    #[test]
    fn a_lossless_jbig2_page_is_its_scan() {
        if !have_jbig2dec() {
            return;
        }
        // OCRmyPDF's `linn.pdf` stores `linn.png` as a JBIG2 generic region (no symbols,
        // no globals): the page must come back as that PNG, which no JBIG2 decoder
        // produced. 19 of its 8,415,000 pixels differ in the file as OCRmyPDF ships
        // it (the `jbig2dec` command decodes the same stream); anything near a
        // misread would differ in thousands.
        let page = first_page(&fixture("linn.pdf"), MAX).unwrap();
        let scan = image::load_from_memory(&fixture("linn.png"))
            .unwrap()
            .to_luma8();
        let got = page.image.to_luma8();
        assert_eq!(got.dimensions(), scan.dimensions());
        let differ = got
            .pixels()
            .zip(scan.pixels())
            .filter(|(a, b)| a.0[0] != b.0[0])
            .count();
        assert!(differ * 100_000 < got.len(), "{differ} pixels differ");
    }

    #[test]
    fn an_inverted_decode_array_is_honoured() {
        if !have_jbig2dec() {
            return;
        }
        let bytes = edited(|doc, id| {
            let stream = doc.get_object_mut(id).unwrap().as_stream_mut().unwrap();
            stream
                .dict
                .set("Decode", vec![Object::Integer(1), Object::Integer(0)]);
        });
        let page = first_page(&bytes, MAX).unwrap();
        let got = page.image.to_luma8();
        let expected = reference();
        assert_eq!(got.dimensions(), expected.dimensions());
        assert!(got
            .pixels()
            .zip(expected.pixels())
            .all(|(a, b)| a.0[0] == 255 - b.0[0]));
    }

    #[test]
    fn cut_or_hostile_streams_are_damage_not_panics() {
        if !have_jbig2dec() {
            return;
        }
        let doc = Document::load_mem(&fixture("jbig2.pdf")).unwrap();
        let (image, globals) = doc
            .objects
            .iter()
            .find_map(|(id, o)| {
                let s = o.as_stream().ok()?;
                let globals = s
                    .dict
                    .get(b"DecodeParms")
                    .ok()?
                    .as_dict()
                    .ok()?
                    .get(b"JBIG2Globals")
                    .ok()?
                    .as_reference()
                    .ok()?;
                Some((*id, globals))
            })
            .unwrap();
        let page_data = doc
            .get_object(image)
            .unwrap()
            .as_stream()
            .unwrap()
            .content
            .clone();
        let global_data = doc
            .get_object(globals)
            .unwrap()
            .as_stream()
            .unwrap()
            .decompressed_content()
            .unwrap();

        // Cut inside the text region: jbig2dec alone would hand back a blank page.
        for cut in [page_data.len() / 2, page_data.len() - 1, 40] {
            let bytes = edited(|doc, id| set_content(doc, id, page_data[..cut].to_vec()));
            let detail = damage(first_page(&bytes, MAX));
            assert!(
                detail.starts_with("the JBIG2 data ends inside"),
                "{cut}: {detail}"
            );
        }
        // Cut symbols: the page cannot be drawn.
        let bytes = edited(|doc, _| {
            let half = global_data[..global_data.len() / 2].to_vec();
            let stream = doc
                .get_object_mut(globals)
                .unwrap()
                .as_stream_mut()
                .unwrap();
            stream.dict.remove(b"Filter");
            stream.set_content(half);
        });
        let detail = damage(first_page(&bytes, MAX));
        assert!(
            detail.starts_with("/JBIG2Globals: the JBIG2 data ends"),
            "{detail}"
        );
        // Without its symbols the text region refers to nothing: jbig2dec would draw a
        // blank page, and warns.
        let bytes = edited(|doc, id| {
            let stream = doc.get_object_mut(id).unwrap().as_stream_mut().unwrap();
            stream.dict.remove(b"DecodeParms");
        });
        let detail = damage(first_page(&bytes, MAX));
        assert!(detail.contains("symbol"), "{detail}");
        // Noise, and an empty stream.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        for data in [noise, Vec::new()] {
            let bytes = edited(|doc, id| set_content(doc, id, data));
            assert!(first_page(&bytes, MAX).is_err());
        }
    }

    /// Page information (type 48) announcing a `width` × `height` page, with nothing on it.
    fn bare_page(width: u32, height: u32) -> Vec<u8> {
        let mut data = vec![0, 0, 0, 0, 48, 0, 1, 0, 0, 0, 19];
        data.extend(width.to_be_bytes());
        data.extend(height.to_be_bytes());
        data.extend([0; 8]); // resolution unknown
        data.extend([0, 0, 0]); // flags: white page, not striped
        data
    }

    #[test]
    fn a_page_larger_than_the_picture_or_the_budget_is_refused() {
        if !have_jbig2dec() {
            return;
        }
        // The stream's own page info is the only size jbig2dec knows: 60000 × 60000
        // (450 MB of bits) over a PDF picture that says 2550 × 3300.
        let bytes = edited(|doc, id| set_content(doc, id, bare_page(60_000, 60_000)));
        let detail = damage(first_page(&bytes, limit(2550 * 3300)));
        assert!(detail.contains("more than"), "{detail}");
        assert!(detail.contains("MB of memory"), "{detail}");
        // A page of another size than the picture's is not the picture.
        let bytes = edited(|doc, id| set_content(doc, id, bare_page(100, 100)));
        let detail = damage(first_page(&bytes, MAX));
        assert!(detail.contains("100×100 for a 2550×3300"), "{detail}");
        // The picture's own size is checked against the limit before any decoding.
        assert!(matches!(
            first_page(&fixture("jbig2.pdf"), limit(1_000_000)),
            Err(Problem::TooManyPixels {
                width: 2550,
                height: 3300,
                ..
            })
        ));
    }

    #[test]
    fn segments_cut_short_are_found() {
        let page = bare_page(8, 8);
        assert_eq!(whole_segments(&page), Ok(()));
        // PDF writers' trailing newline is not a segment.
        assert_eq!(whole_segments(&[page.as_slice(), b"\n"].concat()), Ok(()));
        for cut in 1..page.len() {
            assert!(whole_segments(&page[..cut]).is_err(), "cut at {cut}");
        }
        // An unknown length (0xffffffff) is left to jbig2dec to find.
        let mut unknown = page.clone();
        unknown[7..11].copy_from_slice(&[0xff; 4]);
        assert_eq!(whole_segments(&unknown[..12]), Ok(()));
        // A long-form referred-to count that overflows is an error, not a panic.
        let long = [0, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff];
        assert!(whole_segments(&long).is_err());
    }

    #[test]
    fn a_missing_library_names_the_package() {
        let reason = load_from(&["libjbig2dec-that-does-not-exist.so.9"])
            .err()
            .unwrap();
        let message = Jbig2Error::LibraryMissing { page: 3, reason }.to_string();
        assert!(
            message.starts_with("page 3 is stored as JBIG2"),
            "{message}"
        );
        assert!(message.contains("apt install libjbig2dec0"), "{message}");
        assert!(
            message.contains("libjbig2dec-that-does-not-exist.so.9"),
            "{message}"
        );
    }
}
