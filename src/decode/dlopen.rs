//! Loading a system C library at run time, for the decoders that use one instead of
//! linking it ([`heif`](super::heif): libheif, [`libtiff`](super::libtiff): libtiff).
//! Both try a list of sonames and report every name's reason when none works; the
//! loop and the one unsafe step of copying a function pointer out live here once.

use libloading::Library;

/// Loads the first of `names` that opens and whose functions `resolve` finds. The error
/// lists each name's reason; `too_old` is appended where a library opened but lacked a
/// function (an older release), to say so.
///
/// # Safety
/// Loading runs the library's initialisers: the caller guarantees the libraries named
/// have none with preconditions (libheif's and libtiff's only set up internal tables).
pub(super) unsafe fn load_first<T>(
    names: &[&str],
    too_old: &str,
    resolve: impl Fn(Library) -> Result<T, libloading::Error>,
) -> Result<T, String> {
    let mut reasons = Vec::new();
    for name in names {
        // SAFETY: forwarded to the caller.
        match unsafe { Library::new(name) } {
            Ok(library) => match resolve(library) {
                Ok(api) => return Ok(api),
                Err(missing) => reasons.push(format!("{name}: {missing} ({too_old})")),
            },
            Err(err) => reasons.push(err.to_string()),
        }
    }
    Err(reasons.join("; "))
}

/// Copies the function pointer `name` (NUL-terminated) out of `library`.
///
/// # Safety
/// `T` must be the function's C prototype, and the pointer must not be called after
/// `library` is dropped (both decoders keep it in a `static` beside the pointers).
pub(super) unsafe fn symbol<T: Copy>(
    library: &Library,
    name: &[u8],
) -> Result<T, libloading::Error> {
    // SAFETY: forwarded to the caller.
    unsafe { library.get::<T>(name).map(|symbol| *symbol) }
}
