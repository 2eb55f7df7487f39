// `?embed` in the page's address: the layout made for an iframe (see README),
// set before the first paint so nothing jumps when Python starts.
if (new URLSearchParams(location.search).has("embed")) document.documentElement.dataset.embed = "";
