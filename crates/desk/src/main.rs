fn main() {
    onsite_desk::start();
}
