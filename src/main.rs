//! The Onsite phone app's entry point: Trunk builds this binary to wasm.

fn main() {
    onsite::start();
}
