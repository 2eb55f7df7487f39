"""Build what the page serves: runtimes, data, weights, dist/, the offline set, screenshots."""
