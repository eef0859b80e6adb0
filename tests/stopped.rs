//! What the page says once the app has stopped on a panic (`onsite::show_stopped`, called by the
//! panic hook `start()` installs), in a real Chromium page: on the shell's line before the app
//! has started, else one message over the page with a link that reopens the app.

use onsite::{STOPPED, show_stopped};
use wasm_bindgen_test::*;
use web_sys::Document;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

#[wasm_bindgen_test]
fn before_the_app_has_started_the_shell_says_it() {
    let doc = document();
    let shell = doc.create_element("div").unwrap();
    shell.set_id("shell");
    shell.set_inner_html(r#"<main aria-busy="true"><p>正在打开… · Opening…</p></main>"#);
    doc.body().unwrap().append_child(&shell).unwrap();

    show_stopped();

    let line = doc.query_selector("#shell main p").unwrap().unwrap();
    assert_eq!(line.text_content().as_deref(), Some(STOPPED));
    let main = doc.query_selector("#shell main").unwrap().unwrap();
    assert_eq!(main.get_attribute("aria-busy").as_deref(), Some("false"));
    assert!(doc.get_element_by_id("stopped").is_none(), "no second message over the shell");
    shell.remove();
}

#[wasm_bindgen_test]
fn once_the_app_runs_one_message_over_the_page_links_to_a_reopen() {
    let doc = document();
    assert!(doc.get_element_by_id("shell").is_none());

    show_stopped();
    show_stopped();

    let shown = doc.get_elements_by_class_name("stopped");
    assert_eq!(shown.length(), 1, "one message, however many panics");
    let notice = doc.get_element_by_id("stopped").unwrap();
    assert_eq!(notice.get_attribute("role").as_deref(), Some("alert"));
    assert!(notice.text_content().unwrap().contains(STOPPED));
    let reopen = notice.query_selector("a").unwrap().unwrap();
    assert_eq!(reopen.get_attribute("href").as_deref(), Some("/"));
    notice.remove();
}
