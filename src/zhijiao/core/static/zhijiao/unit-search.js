// The unit search widget (zhijiao/core/unitsearch.py): a unit found by the search is added to
// the chosen ones (or replaces the one chosen, for a single unit); a chosen one can be removed.
(function () {
  "use strict";

  function choose(option) {
    var box = option.closest("[data-unit-search]");
    var chosen = box.querySelector("[data-unit-chosen]");
    var value = option.dataset.value;
    if (box.dataset.multiple !== "1") {
      chosen.replaceChildren();
    }
    var already = Array.prototype.some.call(
      chosen.querySelectorAll("input[type=hidden]"),
      function (input) { return input.value === value; }
    );
    if (!already) {
      var chip = box.querySelector("template[data-unit-chip]").content.firstElementChild.cloneNode(true);
      chip.querySelector("input[type=hidden]").value = value;
      chip.querySelector("[data-unit-label]").textContent = option.dataset.label;
      chosen.appendChild(chip);
    }
    box.querySelector("[data-unit-results]").replaceChildren();
    var search = box.querySelector("input[type=search]");
    search.value = "";
    search.focus();
  }

  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-unit-choose]");
    if (option) {
      choose(option);
      return;
    }
    var remove = event.target.closest("[data-unit-remove]");
    if (remove) {
      remove.closest("[data-unit-chosen-one]").remove();
    }
  });

  // Enter in the search box takes the first unit found.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches("[data-unit-search] input[type=search]")) {
      return;
    }
    event.preventDefault();
    var first = event.target.closest("[data-unit-search]").querySelector("[data-unit-choose]");
    if (first) {
      choose(first);
    }
  });
})();
