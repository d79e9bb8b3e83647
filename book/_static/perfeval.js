/* perfeval: the contents buttons of the article header open the contents.
 *
 * sphinx-book-theme 1.3 and pydata-sphinx-theme 0.17 attach their handlers to the first ".primary-toggle"
 * (and ".secondary-toggle") of the page: the site header's, which this layout never shows. The buttons a
 * reader sees, and the keyboard reaches, are the article header's: they had no handler, so on a phone the
 * book's contents could not be opened at all. Each passes its click on to the button the themes listen to.
 */
document.addEventListener("DOMContentLoaded", function () {
  [".primary-toggle", ".secondary-toggle"].forEach(function (selector) {
    var target = document.querySelector(selector);
    if (!target) return;
    document.querySelectorAll(".bd-header-article " + selector).forEach(function (button) {
      if (button === target) return;
      button.addEventListener("click", function (event) {
        event.preventDefault();
        target.click();
      });
    });
  });
});
