// The page at "/": a tree from /metrics/find, a graph from /render.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const targets = [];

  async function find(query) {
    const r = await fetch("/metrics/find?format=treejson&query=" + encodeURIComponent(query));
    if (!r.ok) throw new Error(await r.text());
    return r.json();
  }

  // node returns a tree item for a find result; branches load their
  // children when opened.
  function node(n, full) {
    const li = document.createElement("li");
    const label = document.createElement("span");
    label.textContent = full ? n.id : n.text;
    label.title = n.id;
    label.setAttribute("role", "treeitem");
    label.dataset.path = n.id;
    li.appendChild(label);
    if (n.leaf) {
      li.className = "leaf";
      if (targets.includes(n.id)) li.classList.add("picked");
      label.addEventListener("click", () => {
        toggle(n.id);
        li.classList.toggle("picked", targets.includes(n.id));
      });
    } else {
      li.className = "branch";
      const ul = document.createElement("ul");
      li.appendChild(ul);
      let loaded = false;
      label.addEventListener("click", async () => {
        li.classList.toggle("open");
        if (!loaded) {
          loaded = true;
          fill(ul, await find(n.id + ".*"));
        }
        ul.hidden = !li.classList.contains("open");
      });
      ul.hidden = true;
    }
    return li;
  }

  function fill(ul, nodes, full) {
    ul.replaceChildren(...nodes.map((n) => node(n, full)));
  }

  function toggle(path) {
    const i = targets.indexOf(path);
    if (i >= 0) targets.splice(i, 1); else targets.push(path);
    update();
  }

  function renderURL() {
    const p = new URLSearchParams();
    for (const t of targets) p.append("target", t);
    if ($("from").value === "custom") {
      p.set("from", $("fromText").value);
      p.set("until", $("untilText").value);
    } else {
      p.set("from", $("from").value);
    }
    p.set("width", $("width").value);
    p.set("height", $("height").value);
    if ($("format").value !== "png") p.set("format", $("format").value);
    if ($("areaMode").value) p.set("areaMode", $("areaMode").value);
    if ($("title").value) p.set("title", $("title").value);
    return "/render?" + p.toString();
  }

  function update() {
    const list = $("targets");
    list.replaceChildren(...targets.map((t) => {
      const chip = document.createElement("span");
      chip.textContent = t + " ";
      const x = document.createElement("button");
      x.type = "button";
      x.textContent = "×";
      x.title = "remove " + t;
      x.addEventListener("click", () => {
        toggle(t);
        for (const el of document.querySelectorAll(".tree li.leaf")) {
          el.classList.toggle("picked", targets.includes(el.firstChild.dataset.path));
        }
      });
      chip.appendChild(x);
      return chip;
    }));
    const img = $("graph");
    if (targets.length === 0) {
      img.hidden = true;
      img.removeAttribute("src");
      $("hint").textContent = "No metric picked yet.";
      $("url").value = "";
      $("open").removeAttribute("href");
      history.replaceState(null, "", location.pathname);
      return;
    }
    const url = renderURL();
    history.replaceState(null, "", "#" + url.slice("/render?".length));
    const abs = new URL(url, location.href).href;
    $("url").value = abs;
    $("open").href = url;
    $("hint").textContent = "Loading…";
    img.hidden = false;
    img.src = url;
  }

  $("graph").addEventListener("load", () => { $("hint").textContent = ""; });
  $("graph").addEventListener("error", () => { $("hint").textContent = "The graph could not be drawn; open the URL to see why."; });
  $("controls").addEventListener("change", () => {
    $("customRange").hidden = $("from").value !== "custom";
    update();
  });
  $("controls").addEventListener("submit", (ev) => { ev.preventDefault(); update(); });
  $("copy").addEventListener("click", async () => {
    $("url").select();
    try { await navigator.clipboard.writeText($("url").value); } catch (e) { document.execCommand("copy"); }
  });
  let timer;
  $("filter").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = $("filter").value.trim();
      try {
        fill($("tree"), await find(q === "" ? "*" : q), q.includes("."));
      } catch (e) {
        $("tree").replaceChildren();
      }
    }, 250);
  });
  $("add").addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter") return;
    ev.preventDefault();
    const t = $("add").value.trim();
    if (t !== "" && !targets.includes(t)) toggle(t);
    $("add").value = "";
  });

  // A link such as /#target=servers.*.cpu.user&from=-6h opens with
  // those settings; the hash follows every change.
  function fromHash() {
    const p = new URLSearchParams(location.hash.slice(1));
    for (const t of p.getAll("target")) if (!targets.includes(t)) targets.push(t);
    const from = p.get("from");
    if (from) {
      const known = [...$("from").options].some((o) => o.value === from);
      $("from").value = known && !p.get("until") ? from : "custom";
      $("fromText").value = from;
      $("untilText").value = p.get("until") || "now";
      $("customRange").hidden = $("from").value !== "custom";
    }
    for (const k of ["width", "height", "format", "areaMode", "title"]) if (p.get(k)) $(k).value = p.get(k);
    if (targets.length) update();
  }
  fromHash();
  find("*").then((nodes) => fill($("tree"), nodes), (e) => { $("hint").textContent = "The metric tree could not be read: " + e.message; });
})();
