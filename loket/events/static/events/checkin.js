// The check-in list: filter the rows while typing, without sending anything anywhere.
// Without JavaScript the search form is sent with POST and the server filters.
(function () {
  "use strict";
  function setup() {
    var input = document.getElementById("id_zoek");
    var table = document.getElementById("checkin-list");
    if (!input || !table) return;
    var count = document.getElementById("checkin-shown");
    function filter() {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      table.querySelectorAll("tbody tr[data-search]").forEach(function (row) {
        var hit = !query || row.getAttribute("data-search").indexOf(query) !== -1;
        row.hidden = !hit;
        if (hit) shown += 1;
      });
      if (count) count.textContent = String(shown);
    }
    input.addEventListener("input", filter);
    var form = input.form;
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        filter();
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
