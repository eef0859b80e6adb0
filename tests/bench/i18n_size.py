#!/usr/bin/env python3
"""What leptos_i18n would cost in bytes against Onsite's hand-written message table.

Generates two minimal Leptos 0.8 CSR apps in target/i18n-size/ from the messages of
src/i18n.rs (every `Name => "中文", "English";` line): `hand`, an enum with a `match` per
language (what the app does), and `crate`, the same messages as leptos_i18n 0.6 JSON locales
with one `t!` per key. Both render every message, so none is optimised away. Then build both
like the app (release, opt-level z, LTO, wasm-bindgen, wasm-opt -Oz) and compare:

    python3 tests/bench/i18n_size.py
    (cd target/i18n-size && cargo build --release --target wasm32-unknown-unknown -p hand -p crate)
    then wasm-bindgen --target web and node_modules/.bin/wasm-opt -Oz on each, brotli 11.

Results are in docs/benchmarks.md ("i18n crate").
"""
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "target", "i18n-size")

src = open(os.path.join(ROOT, "src", "i18n.rs"), encoding="utf-8").read()
entries = re.findall(r'^\s+(\w+) => "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)";', src, re.M)
print(f"{len(entries)} messages")
for d in ("hand/src", "crate/src", "crate/locales"):
    os.makedirs(os.path.join(OUT, d), exist_ok=True)

def write(path, text):
    with open(os.path.join(OUT, path), "w", encoding="utf-8") as f:
        f.write(text)

write("Cargo.toml", '[workspace]\nmembers = ["hand", "crate"]\nresolver = "3"\n\n[profile.release]\n'
      'opt-level = "z"\nlto = true\ncodegen-units = 1\npanic = "abort"\n')
write("hand/Cargo.toml", '[package]\nname = "hand"\nversion = "0.1.0"\nedition = "2024"\n\n[dependencies]\n'
      'leptos = { version = "0.8", features = ["csr"] }\nwasm-bindgen = "=0.2.130"\n')
write("crate/Cargo.toml", '[package]\nname = "crate"\nversion = "0.1.0"\nedition = "2024"\n\n[dependencies]\n'
      'leptos = { version = "0.8", features = ["csr"] }\n'
      'leptos_i18n = { version = "0.6", default-features = false, features = ["csr"] }\n'
      'wasm-bindgen = "=0.2.130"\n\n[package.metadata.leptos-i18n]\ndefault = "en"\nlocales = ["en", "zh"]\n')

variants = "\n".join(f"    {n}," for n, _, _ in entries)
arms = "\n".join(
    f"            (Msg::{n}, Lang::Zh) => {json.dumps(z, ensure_ascii=False)},\n"
    f"            (Msg::{n}, Lang::En) => {json.dumps(e, ensure_ascii=False)},"
    for n, z, e in entries
)
every = ", ".join(f"Msg::{n}" for n, _, _ in entries)
write("hand/src/main.rs", f"""use leptos::prelude::*;
#[derive(Clone, Copy, PartialEq, Eq)]
enum Lang {{ Zh, En }}
#[derive(Clone, Copy)]
enum Msg {{
{variants}
}}
impl Msg {{
    fn text(self, lang: Lang) -> &'static str {{
        match (self, lang) {{
{arms}
        }}
    }}
}}
const ALL: &[Msg] = &[{every}];
fn main() {{
    leptos::mount::mount_to_body(|| {{
        let lang = RwSignal::new(Lang::Zh);
        view! {{
            <button on:click=move |_| lang.update(|l| *l = if *l == Lang::Zh {{ Lang::En }} else {{ Lang::Zh }})>"switch"</button>
            <ul>{{ALL.iter().map(|m| {{ let m = *m; view! {{ <li>{{move || m.text(lang.get())}}</li> }} }}).collect_view()}}</ul>
        }}
    }});
}}
""")

def key(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()

def placeholders(text):
    return re.sub(r"\{(\w+)\}", r"{{ \1 }}", text)

json.dump({key(n): placeholders(e) for n, _, e in entries},
          open(os.path.join(OUT, "crate/locales/en.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=1)
json.dump({key(n): placeholders(z) for n, z, _ in entries},
          open(os.path.join(OUT, "crate/locales/zh.json"), "w", encoding="utf-8"), ensure_ascii=False, indent=1)
items = []
for n, z, e in entries:
    names = sorted(set(re.findall(r"\{(\w+)\}", e)) | set(re.findall(r"\{(\w+)\}", z)))
    args = "".join(f', {v} = "x"' for v in names)
    items.append(f"            <li>{{t!(i18n, {key(n)}{args})}}</li>")
write("crate/src/main.rs", """use leptos::prelude::*;
leptos_i18n::load_locales!();
use i18n::*;
fn main() {
    leptos::mount::mount_to_body(|| view! { <I18nContextProvider><Page/></I18nContextProvider> });
}
#[component]
fn Page() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button on:click=move |_| {
            let next = match i18n.get_locale() { Locale::en => Locale::zh, Locale::zh => Locale::en };
            i18n.set_locale(next);
        }>"switch"</button>
        <ul>
""" + "\n".join(items) + """
        </ul>
    }
}
""")
