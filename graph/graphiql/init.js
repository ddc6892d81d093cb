// Starts GraphiQL against the endpoint this page was served from. A file
// of its own so the page's CSP needs no inline script.
(function () {
  var url = document.body.getAttribute('data-endpoint');
  var fetcher = GraphiQL.createFetcher({ url: url });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true })
  );
})();
