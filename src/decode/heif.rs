//! HEIF/HEIC (iPhone and most Android photos) and AVIF decoding through the system's
//! libheif, loaded at *run time*.
//!
//! Why dlopen instead of linking: the `libheif-rs`/`libheif-sys` bindings need libheif
//! ≥ 1.17 headers at build time, while Debian 12 ships 1.15.1; vendoring libheif drags in
//! cmake and codec sources. Loading `libheif.so.1` with `libloading` when the first HEIF
//! file shows up keeps `cargo build` free of C dependencies, and a machine without
//! libheif still builds and runs scanfit: only HEIC/AVIF inputs fail, with
//! [`HeifError::LibraryMissing`] telling the user what to install.
//!
//! Which libheif: tested with 1.15.1 (Debian 12, package `libheif1`, whose build has the
//! HEVC decoder libde265 and the AV1 decoders dav1d and libaom compiled in). Only
//! long-standing parts of the C API are used — the `heif_error` struct, the functions
//! resolved in `Api`, and the versioned `heif_decoding_options`, written only after
//! checking its version — and later releases keep that ABI. A library lacking one of the
//! functions is reported as [`HeifError::LibraryMissing`] naming it.
//!
//! What is honoured: `heif_decode_image` applies the container's geometric transformations
//! — clean aperture crop (`clap`), rotation (`irot`) and mirroring (`imir`) — unless the
//! decoding options ask it not to (`ignore_transformations`, default off), so the pixels
//! returned are upright and [`decode`]'s result must not be rotated again (see [`exif()`]).
//! High-bit-depth images (10/12-bit HEVC or AV1) are reduced to 8 bits by libheif, and an
//! alpha channel is kept as RGBA. Colour is returned as stored: the ICC profile, if any,
//! comes from [`icc_profile`] for the colour stage to convert.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::marker::PhantomData;
use std::ptr::{self, NonNull};
use std::sync::OnceLock;

pub use crate::error::HeifError;
use image::{DynamicImage, RgbImage, RgbaImage};
use libloading::Library;

/// Decodes the primary image of an HEIF/HEIC/AVIF file to 8-bit RGB or RGBA (keeping
/// alpha if present), upright: the container's own rotation (`irot`), mirroring (`imir`)
/// and clean aperture (`clap`) are applied by libheif.
///
/// `admit` is the caller's pixel limit: it is asked about every size before any pixel of
/// that size exists, and its refusal is returned as is, so a small file claiming a huge
/// size cannot exhaust memory. Both the displayed size and the coded (`ispe`) size are
/// asked about, because a clean-aperture crop can make a huge coded image look small.
pub fn decode<E: From<HeifError>>(
    bytes: &[u8],
    admit: impl Fn(u32, u32) -> Result<(), E>,
) -> Result<DynamicImage, E> {
    let api = api()?;
    let file = File::open(api, bytes)?;
    let handle = &file.handle;

    // SAFETY: `handle.ptr` is a live handle owned by `handle`; these getters only read it.
    let (width, height, ispe_width, ispe_height, has_alpha) = unsafe {
        (
            (api.handle_get_width)(handle.ptr.as_ptr()),
            (api.handle_get_height)(handle.ptr.as_ptr()),
            (api.handle_get_ispe_width)(handle.ptr.as_ptr()),
            (api.handle_get_ispe_height)(handle.ptr.as_ptr()),
            (api.handle_has_alpha_channel)(handle.ptr.as_ptr()) != 0,
        )
    };
    let (width, height) = match (u32::try_from(width), u32::try_from(height)) {
        (Ok(w), Ok(h)) if w > 0 && h > 0 => (w, h),
        _ => {
            return Err(HeifError::Decode(format!(
                "the primary image has an invalid size {width}×{height}"
            ))
            .into())
        }
    };
    // ispe may be absent (libheif then reports 0); a negative value is treated the same.
    let ispe_width = u32::try_from(ispe_width).unwrap_or(0);
    let ispe_height = u32::try_from(ispe_height).unwrap_or(0);
    admit(width, height)?;
    // An absent ispe reads as 0×0: there is no coded size to ask about then.
    if ispe_width > 0 && ispe_height > 0 {
        admit(ispe_width, ispe_height)?;
    }

    let (chroma, channels) = if has_alpha {
        (CHROMA_INTERLEAVED_RGBA, 4)
    } else {
        (CHROMA_INTERLEAVED_RGB, 3)
    };
    let options = DecodingOptions::new(api)?;
    let mut raw_image: *mut RawImage = ptr::null_mut();
    // SAFETY: `handle` is live, `raw_image` is a valid out-pointer and `options` is a
    // live struct from heif_decoding_options_alloc.
    let err = unsafe {
        (api.decode_image)(
            handle.ptr.as_ptr(),
            &mut raw_image,
            COLORSPACE_RGB,
            chroma,
            options.as_ptr(),
        )
    };
    check(err, "decoding the primary image")?;
    let image = Image {
        api,
        ptr: NonNull::new(raw_image)
            .ok_or_else(|| HeifError::Decode("libheif returned no image".into()))?,
    };
    Ok(image.to_dynamic(channels, chroma, (width, height))?)
}

/// Raw EXIF payload of the primary image, if any, starting at the TIFF header
/// (`II*\0` / `MM\0*`) like `image`'s `ImageDecoder::exif_metadata`, so it can go straight
/// to kamadak-exif's `Reader::read_raw`. HEIF's 4-byte offset prefix and an `Exif\0\0`
/// marker are removed.
///
/// For reporting only. Phones write EXIF Orientation (typically 6 for a portrait shot)
/// *and* the equivalent `irot`/`imir` boxes, and [`decode`] already applied the boxes:
/// applying the EXIF orientation on top would turn the picture a second time.
pub fn exif(bytes: &[u8]) -> Result<Option<Vec<u8>>, HeifError> {
    let api = api()?;
    let file = File::open(api, bytes)?;
    let handle = file.handle.ptr.as_ptr();
    let filter = c"Exif".as_ptr();

    // SAFETY: `handle` is live; `filter` is a NUL-terminated string that outlives the call.
    let count = unsafe { (api.handle_get_number_of_metadata_blocks)(handle, filter) };
    let Ok(count_usize) = usize::try_from(count) else {
        return Ok(None);
    };
    if count_usize == 0 {
        return Ok(None);
    }
    let mut ids = vec![0 as ItemId; count_usize];
    // SAFETY: `ids` has room for `count` entries, which is what we tell libheif.
    let filled = unsafe {
        (api.handle_get_list_of_metadata_block_ids)(handle, filter, ids.as_mut_ptr(), count)
    };
    let Some(&id) = ids
        .get(..usize::try_from(filled).unwrap_or(0).min(count_usize))
        .and_then(<[ItemId]>::first)
    else {
        return Ok(None);
    };
    // SAFETY: `id` was listed by libheif for this handle.
    let size = unsafe { (api.handle_get_metadata_size)(handle, id) };
    if size == 0 {
        return Ok(None);
    }
    let mut block = vec![0u8; size];
    // SAFETY: `block` is exactly the size libheif reported for this block.
    let err = unsafe { (api.handle_get_metadata)(handle, id, block.as_mut_ptr().cast()) };
    check(err, "reading the Exif block")?;
    exif_payload(&block).map(Some)
}

/// ICC profile bytes of the primary image, if any (phones use Display P3). `None` when
/// the file has no colour information or only an `nclx` description (code points, no
/// profile); such images are treated as sRGB-like by the caller.
pub fn icc_profile(bytes: &[u8]) -> Result<Option<Vec<u8>>, HeifError> {
    let api = api()?;
    let file = File::open(api, bytes)?;
    let handle = file.handle.ptr.as_ptr();

    // SAFETY: `handle` is live; the getter only reads it. When a file has both an ICC
    // profile and nclx, libheif reports the ICC one here.
    let kind = unsafe { (api.handle_get_color_profile_type)(handle) };
    if kind != PROFILE_TYPE_RICC && kind != PROFILE_TYPE_PROF {
        return Ok(None);
    }
    // SAFETY: as above.
    let size = unsafe { (api.handle_get_raw_color_profile_size)(handle) };
    if size == 0 {
        return Ok(None);
    }
    let mut profile = vec![0u8; size];
    // SAFETY: `profile` is exactly the size libheif reported for the raw profile.
    let err = unsafe { (api.handle_get_raw_color_profile)(handle, profile.as_mut_ptr().cast()) };
    check(err, "reading the ICC profile")?;
    Ok(Some(profile))
}

/// Strips HEIF's Exif framing: a big-endian u32 giving the offset of the TIFF header
/// after those 4 bytes (ISO/IEC 23008-12 A.2.1), usually pointing past `Exif\0\0`.
fn exif_payload(block: &[u8]) -> Result<Vec<u8>, HeifError> {
    let bad = || HeifError::Decode("the Exif block's TIFF header offset is out of range".into());
    let (prefix, rest) = block.split_first_chunk::<4>().ok_or_else(bad)?;
    let offset = u32::from_be_bytes(*prefix);
    let mut tiff = usize::try_from(offset)
        .ok()
        .and_then(|offset| rest.get(offset..))
        .ok_or_else(bad)?;
    // A writer that sets the offset to 0 but keeps the JPEG-style marker would otherwise
    // leave it in front of the TIFF header; drop it too.
    if let Some(stripped) = tiff.strip_prefix(b"Exif\0\0") {
        tiff = stripped;
    }
    Ok(tiff.to_vec())
}

// ---------------------------------------------------------------------------------------
// The C ABI (libheif/heif.h). Only what this module calls is declared.

/// Opaque `struct heif_context`.
#[repr(C)]
struct RawContext {
    _private: [u8; 0],
}
/// Opaque `struct heif_image_handle`.
#[repr(C)]
struct RawHandle {
    _private: [u8; 0],
}
/// Opaque `struct heif_image`.
#[repr(C)]
struct RawImage {
    _private: [u8; 0],
}

/// `struct heif_error`: two C enums (int-sized on every platform libheif supports) and a
/// message pointer. Returned by value, so the layout must match the header exactly.
#[repr(C)]
#[derive(Clone, Copy)]
struct RawError {
    code: c_int,
    subcode: c_int,
    /// Always non-null per the header; owned by libheif (the context's error buffer or a
    /// static string), so it is copied before the context is freed.
    message: *const c_char,
}

/// The leading fields of `struct heif_decoding_options` up to `convert_hdr_to_8bit`
/// (version 2). The struct is versioned and only ever grows at the end, and we only touch
/// instances that libheif allocated itself, so declaring a prefix is sound.
#[repr(C)]
struct RawDecodingOptions {
    version: u8,
    ignore_transformations: u8,
    start_progress: *const c_void,
    on_progress: *const c_void,
    end_progress: *const c_void,
    progress_user_data: *mut c_void,
    convert_hdr_to_8bit: u8,
}

type ItemId = u32;

const ERROR_OK: c_int = 0;
const COLORSPACE_RGB: c_int = 1;
const CHROMA_INTERLEAVED_RGB: c_int = 10;
const CHROMA_INTERLEAVED_RGBA: c_int = 11;
const CHANNEL_INTERLEAVED: c_int = 10;
const fn fourcc(code: &[u8; 4]) -> c_int {
    i32::from_be_bytes(*code)
}
const PROFILE_TYPE_RICC: c_int = fourcc(b"rICC");
const PROFILE_TYPE_PROF: c_int = fourcc(b"prof");

/// The library names tried, in order: the versioned soname that the runtime package
/// (`libheif1`) installs, then the unversioned name (only present with `libheif-dev`, or on
/// distributions that ship it that way).
#[cfg(not(windows))]
const LIBRARY_NAMES: &[&str] = &["libheif.so.1", "libheif.so"];
/// On Windows, beside scanfit.exe or on `PATH`: MSYS2's MinGW build (`libheif.dll`,
/// package mingw-w64-x86_64-libheif, with its codec DLLs), then vcpkg's (`heif.dll`).
#[cfg(windows)]
const LIBRARY_NAMES: &[&str] = &["libheif.dll", "heif.dll"];

/// libheif's functions, resolved once. The `Library` is kept alongside so the function
/// pointers stay valid; it lives in a `static` and is never unloaded.
struct Api {
    _library: Library,
    context_alloc: unsafe extern "C" fn() -> *mut RawContext,
    context_free: unsafe extern "C" fn(*mut RawContext),
    context_read_from_memory_without_copy:
        unsafe extern "C" fn(*mut RawContext, *const c_void, usize, *const c_void) -> RawError,
    context_get_primary_image_handle:
        unsafe extern "C" fn(*mut RawContext, *mut *mut RawHandle) -> RawError,
    /// Optional (used if present): set to 0 so grid tiles are decoded on the calling
    /// thread, because scanfit already runs one file per core and libheif's own tile
    /// threads would only oversubscribe the machine.
    context_set_max_decoding_threads: Option<unsafe extern "C" fn(*mut RawContext, c_int)>,
    handle_release: unsafe extern "C" fn(*const RawHandle),
    handle_get_width: unsafe extern "C" fn(*const RawHandle) -> c_int,
    handle_get_height: unsafe extern "C" fn(*const RawHandle) -> c_int,
    handle_get_ispe_width: unsafe extern "C" fn(*const RawHandle) -> c_int,
    handle_get_ispe_height: unsafe extern "C" fn(*const RawHandle) -> c_int,
    handle_has_alpha_channel: unsafe extern "C" fn(*const RawHandle) -> c_int,
    handle_get_color_profile_type: unsafe extern "C" fn(*const RawHandle) -> c_int,
    handle_get_raw_color_profile_size: unsafe extern "C" fn(*const RawHandle) -> usize,
    handle_get_raw_color_profile: unsafe extern "C" fn(*const RawHandle, *mut c_void) -> RawError,
    handle_get_number_of_metadata_blocks:
        unsafe extern "C" fn(*const RawHandle, *const c_char) -> c_int,
    handle_get_list_of_metadata_block_ids:
        unsafe extern "C" fn(*const RawHandle, *const c_char, *mut ItemId, c_int) -> c_int,
    handle_get_metadata_size: unsafe extern "C" fn(*const RawHandle, ItemId) -> usize,
    handle_get_metadata: unsafe extern "C" fn(*const RawHandle, ItemId, *mut c_void) -> RawError,
    decoding_options_alloc: unsafe extern "C" fn() -> *mut RawDecodingOptions,
    decoding_options_free: unsafe extern "C" fn(*mut RawDecodingOptions),
    decode_image: unsafe extern "C" fn(
        *const RawHandle,
        *mut *mut RawImage,
        c_int,
        c_int,
        *const RawDecodingOptions,
    ) -> RawError,
    image_get_chroma_format: unsafe extern "C" fn(*const RawImage) -> c_int,
    image_get_width: unsafe extern "C" fn(*const RawImage, c_int) -> c_int,
    image_get_height: unsafe extern "C" fn(*const RawImage, c_int) -> c_int,
    image_get_plane_readonly: unsafe extern "C" fn(*const RawImage, c_int, *mut c_int) -> *const u8,
    image_release: unsafe extern "C" fn(*const RawImage),
}

/// The process-wide libheif, or why it could not be loaded. Loading is attempted once:
/// a missing library stays missing for the life of the process.
fn api() -> Result<&'static Api, HeifError> {
    static API: OnceLock<Result<Api, String>> = OnceLock::new();
    API.get_or_init(|| load_from(LIBRARY_NAMES))
        .as_ref()
        .map_err(|reason| HeifError::LibraryMissing(reason.clone()))
}

/// Loads the first of `names` that opens and resolves every function; the error is the
/// loader's reason for each name. Separate from [`api`] so tests can inject names.
fn load_from(names: &[&str]) -> Result<Api, String> {
    // SAFETY: loading runs the library's initialisers; libheif's (and its codecs') only
    // set up internal tables and have no preconditions on the caller.
    unsafe { super::dlopen::load_first(names, "libheif too old?", resolve) }
}

fn resolve(library: Library) -> Result<Api, libloading::Error> {
    // Each pointer outlives its `Symbol` borrow because the `Library` is stored next to it
    // in `Api` and never dropped while the process runs.
    use super::dlopen::symbol as sym;
    // SAFETY: for every `sym` call below, each field's type was written from the prototype of
    // the same-named function in libheif 1.15's heif.h, which has not changed since.
    unsafe {
        let init: Option<unsafe extern "C" fn(*const c_void) -> RawError> =
            sym(&library, b"heif_init\0").ok();
        let api = Api {
            context_alloc: sym(&library, b"heif_context_alloc\0")?,
            context_free: sym(&library, b"heif_context_free\0")?,
            context_read_from_memory_without_copy: sym(
                &library,
                b"heif_context_read_from_memory_without_copy\0",
            )?,
            context_get_primary_image_handle: sym(
                &library,
                b"heif_context_get_primary_image_handle\0",
            )?,
            context_set_max_decoding_threads: sym(
                &library,
                b"heif_context_set_max_decoding_threads\0",
            )
            .ok(),
            handle_release: sym(&library, b"heif_image_handle_release\0")?,
            handle_get_width: sym(&library, b"heif_image_handle_get_width\0")?,
            handle_get_height: sym(&library, b"heif_image_handle_get_height\0")?,
            handle_get_ispe_width: sym(&library, b"heif_image_handle_get_ispe_width\0")?,
            handle_get_ispe_height: sym(&library, b"heif_image_handle_get_ispe_height\0")?,
            handle_has_alpha_channel: sym(&library, b"heif_image_handle_has_alpha_channel\0")?,
            handle_get_color_profile_type: sym(
                &library,
                b"heif_image_handle_get_color_profile_type\0",
            )?,
            handle_get_raw_color_profile_size: sym(
                &library,
                b"heif_image_handle_get_raw_color_profile_size\0",
            )?,
            handle_get_raw_color_profile: sym(
                &library,
                b"heif_image_handle_get_raw_color_profile\0",
            )?,
            handle_get_number_of_metadata_blocks: sym(
                &library,
                b"heif_image_handle_get_number_of_metadata_blocks\0",
            )?,
            handle_get_list_of_metadata_block_ids: sym(
                &library,
                b"heif_image_handle_get_list_of_metadata_block_IDs\0",
            )?,
            handle_get_metadata_size: sym(&library, b"heif_image_handle_get_metadata_size\0")?,
            handle_get_metadata: sym(&library, b"heif_image_handle_get_metadata\0")?,
            decoding_options_alloc: sym(&library, b"heif_decoding_options_alloc\0")?,
            decoding_options_free: sym(&library, b"heif_decoding_options_free\0")?,
            decode_image: sym(&library, b"heif_decode_image\0")?,
            image_get_chroma_format: sym(&library, b"heif_image_get_chroma_format\0")?,
            image_get_width: sym(&library, b"heif_image_get_width\0")?,
            image_get_height: sym(&library, b"heif_image_get_height\0")?,
            image_get_plane_readonly: sym(&library, b"heif_image_get_plane_readonly\0")?,
            image_release: sym(&library, b"heif_image_release\0")?,
            _library: library,
        };
        if let Some(init) = init {
            // Registers the built-in decoder plugins once (libraries without heif_init
            // register them lazily). heif_deinit is never called because the library stays
            // loaded until exit. The result is ignored: its only failure is an unreadable
            // plugin directory, which does not stop the built-in decoders.
            init(ptr::null());
        }
        Ok(api)
    }
}

/// Turns a returned `heif_error` into a `Result`, copying libheif's message (which lives
/// in the context's error buffer) while the context is still alive.
fn check(err: RawError, what: &str) -> Result<(), HeifError> {
    if err.code == ERROR_OK {
        return Ok(());
    }
    let message = if err.message.is_null() {
        String::new()
    } else {
        // SAFETY: non-null, NUL-terminated per the header, and still owned by the live
        // context (callers check before dropping any guard).
        unsafe { CStr::from_ptr(err.message) }
            .to_string_lossy()
            .into_owned()
    };
    Err(HeifError::Decode(format!(
        "{what}: {message} (libheif error {}.{})",
        err.code, err.subcode
    )))
}

// ---------------------------------------------------------------------------------------
// RAII guards: one per libheif object, each freeing it exactly once on every path.

/// A parsed file: the context and its primary image handle. Field order matters: the
/// handle is released before the context is freed. `'a` ties both to the input bytes,
/// which libheif reads in place (`..._without_copy`) for as long as the context lives.
struct File<'a> {
    handle: Handle<'a>,
    _context: Context<'a>,
}

struct Context<'a> {
    api: &'static Api,
    ptr: NonNull<RawContext>,
    _bytes: PhantomData<&'a [u8]>,
}

impl Drop for Context<'_> {
    fn drop(&mut self) {
        // SAFETY: allocated by heif_context_alloc and freed only here.
        unsafe { (self.api.context_free)(self.ptr.as_ptr()) }
    }
}

struct Handle<'a> {
    api: &'static Api,
    ptr: NonNull<RawHandle>,
    _bytes: PhantomData<&'a [u8]>,
}

impl Drop for Handle<'_> {
    fn drop(&mut self) {
        // SAFETY: obtained from heif_context_get_primary_image_handle, released only here.
        unsafe { (self.api.handle_release)(self.ptr.as_ptr()) }
    }
}

impl<'a> File<'a> {
    /// Parses the container (boxes only; no pixels are decoded) and finds the primary
    /// image.
    fn open(api: &'static Api, bytes: &'a [u8]) -> Result<Self, HeifError> {
        // SAFETY: no preconditions; a null return is handled.
        let raw = unsafe { (api.context_alloc)() };
        let context = Context {
            api,
            ptr: NonNull::new(raw)
                .ok_or_else(|| HeifError::Decode("libheif could not allocate a context".into()))?,
            _bytes: PhantomData,
        };
        if let Some(set_threads) = api.context_set_max_decoding_threads {
            // SAFETY: `context` is live.
            unsafe { set_threads(context.ptr.as_ptr(), 0) };
        }
        // SAFETY: `bytes` outlives `context` (lifetime 'a on both); reading options must be
        // null per the header.
        let err = unsafe {
            (api.context_read_from_memory_without_copy)(
                context.ptr.as_ptr(),
                bytes.as_ptr().cast(),
                bytes.len(),
                ptr::null(),
            )
        };
        check(err, "reading the file")?;
        let mut raw_handle: *mut RawHandle = ptr::null_mut();
        // SAFETY: `context` is live and `raw_handle` is a valid out-pointer.
        let err = unsafe {
            (api.context_get_primary_image_handle)(context.ptr.as_ptr(), &mut raw_handle)
        };
        check(err, "finding the primary image")?;
        let handle = Handle {
            api,
            ptr: NonNull::new(raw_handle)
                .ok_or_else(|| HeifError::Decode("the file has no primary image".into()))?,
            _bytes: PhantomData,
        };
        Ok(File {
            handle,
            _context: context,
        })
    }
}

/// Decoding options allocated by libheif (so unknown newer fields get their defaults),
/// with `convert_hdr_to_8bit` switched on.
struct DecodingOptions {
    api: &'static Api,
    ptr: NonNull<RawDecodingOptions>,
}

impl DecodingOptions {
    fn new(api: &'static Api) -> Result<Self, HeifError> {
        // SAFETY: no preconditions; a null return is handled.
        let raw = unsafe { (api.decoding_options_alloc)() };
        let options = DecodingOptions {
            api,
            ptr: NonNull::new(raw).ok_or_else(|| {
                HeifError::Decode("libheif could not allocate decoding options".into())
            })?,
        };
        // SAFETY: libheif allocated a struct of at least the size of its `version`, and
        // version ≥ 2 guarantees the prefix declared in RawDecodingOptions exists.
        unsafe {
            let raw = options.ptr.as_ptr();
            if (*raw).version >= 2 {
                // 10/12-bit photos must come out as 8-bit RGB. libheif 1.15 converts to
                // the requested 8-bit chroma either way (measured on the 10-bit fixture),
                // but later versions take the output depth from this flag and otherwise
                // keep the source depth. Transformations stay on: `ignore_transformations`
                // keeps its default 0, the same as passing NULL options.
                (*raw).convert_hdr_to_8bit = 1;
            }
        }
        Ok(options)
    }

    fn as_ptr(&self) -> *const RawDecodingOptions {
        self.ptr.as_ptr()
    }
}

impl Drop for DecodingOptions {
    fn drop(&mut self) {
        // SAFETY: allocated by heif_decoding_options_alloc, freed only here.
        unsafe { (self.api.decoding_options_free)(self.ptr.as_ptr()) }
    }
}

/// A decoded image. Independent of the context once decoded (libheif ref-counts it).
struct Image {
    api: &'static Api,
    ptr: NonNull<RawImage>,
}

impl Drop for Image {
    fn drop(&mut self) {
        // SAFETY: obtained from heif_decode_image, released only here.
        unsafe { (self.api.image_release)(self.ptr.as_ptr()) }
    }
}

impl Image {
    /// Copies the interleaved 8-bit plane into an `image` buffer, row by row because
    /// libheif pads rows (the stride is usually a multiple of 16 or more).
    /// `announced` is the size the handle gave, which the caller's limit admitted.
    fn to_dynamic(
        &self,
        channels: usize,
        chroma: c_int,
        announced: (u32, u32),
    ) -> Result<DynamicImage, HeifError> {
        let api = self.api;
        let raw = self.ptr.as_ptr();
        let mut stride: c_int = 0;
        // SAFETY: `raw` is live; `stride` is a valid out-pointer.
        let (actual_chroma, width, height, plane) = unsafe {
            (
                (api.image_get_chroma_format)(raw),
                (api.image_get_width)(raw, CHANNEL_INTERLEAVED),
                (api.image_get_height)(raw, CHANNEL_INTERLEAVED),
                (api.image_get_plane_readonly)(raw, CHANNEL_INTERLEAVED, &mut stride),
            )
        };
        // Everything below is checked rather than assumed: a mismatch would otherwise
        // mean reading outside libheif's buffer.
        if actual_chroma != chroma {
            return Err(HeifError::Decode(format!(
                "libheif returned chroma format {actual_chroma}, not the requested {chroma}"
            )));
        }
        let (Ok(width), Ok(height), Ok(stride)) = (
            u32::try_from(width),
            u32::try_from(height),
            usize::try_from(stride),
        ) else {
            return Err(HeifError::Decode(format!(
                "libheif returned an invalid plane ({width}×{height}, stride {stride})"
            )));
        };
        if plane.is_null() || width == 0 || height == 0 {
            return Err(HeifError::Decode("libheif returned an empty image".into()));
        }
        // The decoded size should equal the handle's, which the limit admitted; a larger
        // one (a transformation gone wrong) would slip past that check.
        if u64::from(width) * u64::from(height) > u64::from(announced.0) * u64::from(announced.1) {
            return Err(HeifError::Decode(format!(
                "libheif returned {width}×{height} pixels for a picture announced as {}×{}",
                announced.0, announced.1
            )));
        }
        let too_big = || HeifError::Decode("the image does not fit in memory".into());
        let row_len = (width as usize).checked_mul(channels).ok_or_else(too_big)?;
        if stride < row_len {
            return Err(HeifError::Decode(format!(
                "libheif returned a stride of {stride} bytes for rows of {row_len}"
            )));
        }
        let rows = height as usize;
        // The last row need not be padded to the full stride.
        let plane_len = stride
            .checked_mul(rows - 1)
            .and_then(|n| n.checked_add(row_len))
            .ok_or_else(too_big)?;
        let mut pixels = Vec::new();
        pixels
            .try_reserve_exact(row_len.checked_mul(rows).ok_or_else(too_big)?)
            .map_err(|_| too_big())?;
        // SAFETY: libheif's plane holds `height` rows of `stride` bytes (the last at least
        // `row_len`), valid until `self` is released, which cannot happen during this
        // borrow.
        let plane = unsafe { std::slice::from_raw_parts(plane, plane_len) };
        let mismatch = || HeifError::Decode("decoded plane size mismatch".into());
        // Every chunk is `stride` long except the last, which is exactly `row_len`.
        for row in plane.chunks(stride) {
            pixels.extend_from_slice(row.get(..row_len).ok_or_else(mismatch)?);
        }
        Ok(if channels == 4 {
            DynamicImage::ImageRgba8(
                RgbaImage::from_raw(width, height, pixels).ok_or_else(mismatch)?,
            )
        } else {
            DynamicImage::ImageRgb8(RgbImage::from_raw(width, height, pixels).ok_or_else(mismatch)?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::DecodeLimits;
    use crate::error::Problem;
    use image::GenericImageView;

    /// Whether libheif is missing here, so a test needing it must be skipped. CI sets
    /// SCANFIT_REQUIRE_HEIF=1 (and installs libheif1), where a missing library fails.
    fn libheif_missing() -> bool {
        match api() {
            Ok(_) => false,
            Err(why) if std::env::var_os("SCANFIT_REQUIRE_HEIF").is_none() => {
                eprintln!("skipped: libheif is not installed ({why}); apt install libheif1");
                true
            }
            Err(why) => panic!("SCANFIT_REQUIRE_HEIF is set but libheif cannot be loaded: {why}"),
        }
    }

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!("{}/tests/fixtures/heif/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// A limit that admits every size, for tests about something else.
    fn any_size(_: u32, _: u32) -> Result<(), HeifError> {
        Ok(())
    }

    /// Asserts each channel is within `tolerance` of `want` (lossy codecs, 4:2:0 chroma).
    fn assert_near(image: &DynamicImage, x: u32, y: u32, want: [u8; 4], tolerance: u8) {
        let got = image.get_pixel(x, y).0;
        for (g, w) in got.iter().zip(want) {
            assert!(
                g.abs_diff(w) <= tolerance,
                "pixel ({x},{y}) is {got:?}, want {want:?} ± {tolerance}"
            );
        }
    }

    const RED: [u8; 4] = [255, 0, 0, 255];
    const BLUE: [u8; 4] = [0, 0, 255, 255];
    const WHITE: [u8; 4] = [255, 255, 255, 255];

    #[test]
    fn rotated_heic_decodes_upright() {
        if libheif_missing() {
            return;
        }
        let image = decode(&fixture("irot90_400x200.heic"), any_size).unwrap();
        assert_eq!(image.dimensions(), (400, 200));
        assert!(matches!(image, DynamicImage::ImageRgb8(_)));
        // Stored as 200×400; only the irot box makes it 400×200 with the red square at the
        // top left and the blue bar on the right.
        assert_near(&image, 20, 20, RED, 24);
        assert_near(&image, 70, 70, RED, 24);
        assert_near(&image, 380, 10, BLUE, 24);
        assert_near(&image, 380, 190, BLUE, 24);
        assert_near(&image, 200, 100, WHITE, 8);
        assert_near(&image, 20, 180, WHITE, 8);
        assert_near(&image, 340, 10, WHITE, 8);
    }

    #[test]
    fn exif_is_returned_from_the_tiff_header_and_says_orientation_6() {
        if libheif_missing() {
            return;
        }
        let exif = exif(&fixture("irot90_400x200.heic")).unwrap().unwrap();
        // The fixture's block is offset 6, "Exif\0\0", then a little-endian TIFF whose
        // only entry is Orientation (0x0112) = 6 — the value phones write next to irot.
        assert_eq!(&exif[..4], b"II*\0");
        assert_eq!(&exif[10..12], &[0x12, 0x01]);
        assert_eq!(exif[18], 6);
        assert_eq!(exif.len(), 26);
    }

    #[test]
    fn icc_profile_is_returned_verbatim() {
        if libheif_missing() {
            return;
        }
        let profile = icc_profile(&fixture("irot90_400x200.heic"))
            .unwrap()
            .unwrap();
        assert_eq!(profile.len(), 588);
        assert_eq!(&profile[36..40], b"acsp");
    }

    #[test]
    fn avif_with_alpha_decodes_to_rgba() {
        if libheif_missing() {
            return;
        }
        let image = decode(&fixture("alpha_96x64.avif"), any_size).unwrap();
        assert_eq!(image.dimensions(), (96, 64));
        assert!(matches!(image, DynamicImage::ImageRgba8(_)));
        assert_near(&image, 10, 10, RED, 24);
        assert_near(&image, 48, 48, WHITE, 8);
        let alpha = image.get_pixel(80, 32).0[3];
        assert!(alpha <= 8, "alpha at (80,32) is {alpha}, want transparent");
        assert_eq!(exif(&fixture("alpha_96x64.avif")).unwrap(), None);
        // heif-enc writes an nclx colour box, which is not an ICC profile.
        assert_eq!(icc_profile(&fixture("alpha_96x64.avif")).unwrap(), None);
    }

    #[test]
    fn ten_bit_heic_decodes_to_8_bit() {
        if libheif_missing() {
            return;
        }
        let image = decode(&fixture("10bit_64x32.heic"), any_size).unwrap();
        assert_eq!(image.dimensions(), (64, 32));
        assert!(matches!(image, DynamicImage::ImageRgb8(_)));
        assert_near(&image, 8, 16, [200, 100, 50, 255], 12);
        assert_near(&image, 56, 16, [20, 40, 220, 255], 12);
    }

    #[test]
    fn decodes_on_several_threads_at_once() {
        if libheif_missing() {
            return;
        }
        // scanfit decodes one file per rayon worker; contexts must not share state.
        let heic = fixture("irot90_400x200.heic");
        let avif = fixture("alpha_96x64.avif");
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..10 {
                        assert_eq!(decode(&heic, any_size).unwrap().dimensions(), (400, 200));
                        assert_eq!(decode(&avif, any_size).unwrap().dimensions(), (96, 64));
                    }
                });
            }
        });
    }

    #[test]
    fn pixel_limit_is_enforced_before_decoding() {
        if libheif_missing() {
            return;
        }
        let limit = |max_pixels| move |w, h| DecodeLimits { max_pixels }.check(w, h);
        let err = decode(&fixture("irot90_400x200.heic"), limit(400 * 200 - 1)).unwrap_err();
        assert!(
            matches!(
                err,
                Problem::TooManyPixels {
                    width: 400,
                    height: 200,
                    max: 79_999
                }
            ),
            "{err:?}"
        );
        assert!(decode(&fixture("irot90_400x200.heic"), limit(400 * 200)).is_ok());
    }

    #[test]
    fn garbage_and_truncated_input_are_decode_errors() {
        if libheif_missing() {
            return;
        }
        let heic = fixture("irot90_400x200.heic");
        let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
        for bytes in [&[][..], &garbage[..], &heic[..heic.len() / 2], &heic[..64]] {
            for result in [
                decode(bytes, any_size).map(|_| ()),
                exif(bytes).map(|_| ()),
                icc_profile(bytes).map(|_| ()),
            ] {
                let err = result.unwrap_err();
                assert!(matches!(err, HeifError::Decode(_)), "{err:?}");
            }
        }
        let message = decode(&garbage, any_size).unwrap_err().to_string();
        assert!(message.contains("libheif error"), "{message}");
    }

    #[test]
    fn missing_library_error_names_the_package() {
        let reason = load_from(&["libheif-not-installed.so.1"])
            .map(|_| ())
            .unwrap_err();
        let message = HeifError::LibraryMissing(reason).to_string();
        assert!(message.contains("apt install libheif1"), "{message}");
        assert!(message.contains("libheif-not-installed.so.1"), "{message}");
    }

    #[test]
    fn exif_framing_is_stripped() {
        assert_eq!(exif_payload(b"\0\0\0\0II*\0").unwrap(), b"II*\0");
        assert_eq!(exif_payload(b"\0\0\0\x06Exif\0\0MM\0*").unwrap(), b"MM\0*");
        assert_eq!(exif_payload(b"\0\0\0\0Exif\0\0MM\0*").unwrap(), b"MM\0*");
        assert!(exif_payload(b"\0\0\0").is_err());
        assert!(exif_payload(b"\xff\xff\xff\xffII*\0").is_err());
    }
}
