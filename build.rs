//! Finds out which JPEG encoder path the binary gets and says so: mozjpeg-sys compiles
//! its SIMD code only when it finds `nasm` (on x86), and otherwise falls back to plain C,
//! which makes every JPEG encode 2–7× slower with nothing but a build warning to tell.
//!
//! The answer is not guessed from `PATH`: mozjpeg-sys (`links = "jpeg"`) tells its
//! dependants where its generated headers are, and its `jconfig.h` defines `WITH_SIMD`
//! exactly when it built the SIMD code. The binary carries the answer
//! (`SCANFIT_JPEG_ENCODER`, shown by `scanfit --version`); a plain-C build also warns, in
//! the catalogue's words (`cli-build-jpeg-plain-c` in `src/words/en/cli.ftl`).

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_JPEG_INCLUDE");
    println!("cargo:rerun-if-changed=src/words/en/cli.ftl");
    let header = std::env::var_os("DEP_JPEG_INCLUDE").and_then(|dirs| {
        std::env::split_paths(&dirs)
            .map(|dir| dir.join("jconfig.h"))
            .find(|path| path.is_file())
    });
    let simd = header.and_then(|path| {
        // mozjpeg-sys rewrites it whenever it is rebuilt (with or without nasm).
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(path).ok()?;
        Some(text.lines().any(|l| l.trim() == "#define WITH_SIMD 1"))
    });
    let path = match simd {
        Some(true) => "mozjpeg-simd",
        Some(false) => "mozjpeg-plain-c",
        None => "mozjpeg-unknown",
    };
    println!("cargo:rustc-env=SCANFIT_JPEG_ENCODER={path}");
    if simd != Some(true) {
        println!("cargo:warning={}", catalogue_line("cli-build-jpeg-plain-c"));
    }
    check_windows_gnu_cflags();
}

/// A Windows build with GCC needs the C flag in .cargo/config.toml (which says why):
/// without it, mozjpeg's progressive encoder fails on grey pictures. `cargo install`
/// and other builds outside this folder do not read that file, so the build stops
/// here rather than make an exe that fails a third of the corpus.
fn check_windows_gnu_cflags() {
    let target = std::env::var("TARGET").unwrap_or_default();
    if !(target.contains("-windows-gnu") && target.starts_with("x86_64")) {
        return;
    }
    let name = format!("CFLAGS_{}", target.replace('-', "_"));
    println!("cargo:rerun-if-env-changed={name}");
    let flags = std::env::var(&name).unwrap_or_default();
    if !flags.contains("-D__builtin_ctzl=__builtin_ctzll") {
        panic!("{}", catalogue_line("cli-build-windows-gnu-ctzl"));
    }
}

/// The English catalogue's text for `id` (a one-line message without arguments).
fn catalogue_line(id: &str) -> String {
    let ftl = std::fs::read_to_string(Path::new("src/words/en/cli.ftl")).unwrap_or_default();
    ftl.lines()
        .find_map(|l| l.strip_prefix(id)?.trim_start().strip_prefix('='))
        .map_or_else(|| id.to_owned(), |text| text.trim().to_owned())
}
