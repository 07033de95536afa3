"""'Share this view': a button that copies the page's address, which reopens the same view.

The address is always the whole view: the dataset and run (``state``), the sliders and choices
bound to the URL (``bind="query-params"``) and the chosen point. So the button copies what the
browser's address bar holds at the moment of the click, read in the page, instead of a link
composed when the script last ran (a slider move reruns only its fragment, not the sidebar).
"""

from __future__ import annotations

import streamlit as st

# Static markup, no user text: the only script is the copy of the page's own address.
SHARE_BUTTON = """
<div class="aemodels-share">
  <button type="button" style="font: inherit; font-size: 0.875rem; padding: 0.25rem 0.75rem; border-radius: 0.5rem;
          border: 1px solid rgba(49, 51, 63, 0.2); background: white; cursor: pointer;">Share this view</button>
  <div class="aemodels-share-done" style="font-size: 0.8rem; color: rgba(49, 51, 63, 0.6); margin-top: 0.3rem;"></div>
</div>
<script>
  for (const button of document.querySelectorAll(".aemodels-share button")) {
    if (button.dataset.ready) continue;
    button.dataset.ready = "1";
    button.addEventListener("click", () => {
      const done = button.parentElement.querySelector(".aemodels-share-done");
      navigator.clipboard.writeText(window.location.href).then(
        () => { done.textContent = "Link copied: it reopens this screen, run, sliders and chosen point."; },
        () => { done.textContent = "Copy the address bar: it reopens this screen, run, sliders and chosen point."; });
    });
  }
</script>
"""


def share_button() -> None:
    """The button, where it is called (the sidebar)."""
    st.html(SHARE_BUTTON, unsafe_allow_javascript=True)
