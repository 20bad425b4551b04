//! Loads an ONNX model and runs it once on zeros: what tract adds to a binary.
use tract_onnx::prelude::*;

fn main() -> TractResult<()> {
    let path = std::env::args()
        .nth(1)
        .expect("usage: hello-tract MODEL.onnx");
    let model = tract_onnx::onnx()
        .model_for_path(path)?
        .with_input_fact(0, f32::fact([1, 3, 64, 64]).into())?
        .into_optimized()?
        .into_runnable()?;
    let input: Tensor = tract_ndarray::Array4::<f32>::zeros((1, 3, 64, 64)).into();
    let out = model.run(tvec!(input.into()))?;
    println!("{:?}", out[0].shape());
    Ok(())
}
