// The VS Code client of `nginx-fpm-lint lsp`: starts the server over stdio for nginx
// and php-fpm files; everything else (diagnostics, hover, completion, navigation,
// quick fixes) comes from the server.
import { workspace, ExtensionContext } from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export function activate(context: ExtensionContext): Promise<void> {
  const config = workspace.getConfiguration("nginx-fpm-lint");
  const command = config.get<string>("path", "nginx-fpm-lint");
  const args = [...config.get<string[]>("args", []), "lsp"];
  const serverOptions: ServerOptions = {
    run: { command, args, transport: TransportKind.stdio },
    debug: { command, args, transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "nginx" },
      { scheme: "file", language: "php-fpm" },
    ],
    synchronize: {
      // Files that change what the deployments are: the server plans them again.
      fileEvents: workspace.createFileSystemWatcher(
        "**/{.nginx-fpm-lint.toml,*compose*.y*ml,Dockerfile*,*.conf}"
      ),
    },
  };
  client = new LanguageClient("nginx-fpm-lint", "nginx-fpm-lint", serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => void client?.stop() });
  return client.start();
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
