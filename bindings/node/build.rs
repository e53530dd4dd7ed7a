//! Link arguments of a Node.js addon (symbols resolved by the loading `node` process).

fn main() {
    napi_build::setup();
}
