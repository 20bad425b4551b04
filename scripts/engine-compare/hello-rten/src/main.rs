//! Loads an ONNX model and runs it once on zeros: what rten adds to a binary.
use rten::Model;
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: hello-rten MODEL.onnx");
    let model = Model::load_file(path).expect("load");
    let input = NdTensor::<f32, 4>::zeros([1, 3, 64, 64]);
    let out = model.run_one(input.into(), None).expect("run");
    println!("{:?}", out.shape());
}
