//! The `scanfit` binary: everything it does is in [`cli`], a thin layer over the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
