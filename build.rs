//! Warns when `nasm` is missing: mozjpeg then builds without its SIMD code and every
//! JPEG encode is 2–7× slower, silently. The build still succeeds.

fn main() {
    println!("cargo:rerun-if-env-changed=PATH");
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    if matches!(arch.as_str(), "x86_64" | "x86")
        && std::process::Command::new("nasm")
            .arg("-v")
            .output()
            .is_err()
    {
        println!(
            "cargo:warning=nasm not found: JPEG encoding will be 2-7x slower. Install it (Debian/Ubuntu: apt install nasm) and rebuild with `cargo clean -p mozjpeg-sys`."
        );
    }
}
