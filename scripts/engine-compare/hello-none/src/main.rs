//! The baseline: a binary with neither engine.
fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: hello-none MODEL.onnx");
    println!("{}", std::fs::metadata(path).map(|m| m.len()).unwrap_or(0));
}
