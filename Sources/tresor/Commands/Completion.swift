import Foundation
import ArgumentParser

extension Tresor {
    struct Completion: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a shell completion script (bash, zsh or fish), generated from the command definitions.",
            discussion: """
                bash: tresor completion bash > /etc/bash_completion.d/tresor
                zsh:  tresor completion zsh > "${fpath[1]}/_tresor"
                fish: tresor completion fish > ~/.config/fish/completions/tresor.fish
                """)

        @Argument(help: "bash, zsh or fish.") var shell: Shell

        enum Shell: String, ExpressibleByArgument, CaseIterable { case bash, zsh, fish }

        func run() {
            let kind: CompletionShell = switch shell {
            case .bash: .bash
            case .zsh: .zsh
            case .fish: .fish
            }
            print(Tresor.completionScript(for: kind))
        }
    }

    struct Manual: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "man",
            abstract: "Print the manual page (roff), generated from the command definitions: tresor man > tresor.1")

        func run() {
            print(ManualPage.roff(Tresor.self))
        }
    }
}

/// A man page from the command tree: every command's help as its own section.
enum ManualPage {
    static func roff(_ root: ParsableCommand.Type) -> String {
        let configuration = root.configuration
        var page = [
            ".TH TRESOR 1",
            ".SH NAME",
            "tresor \\- \(escape(configuration.abstract))",
            ".SH SYNOPSIS",
            ".B tresor",
            "\\fICOMMAND\\fR [\\fIOPTIONS\\fR]",
            ".SH DESCRIPTION",
            escape(configuration.discussion),
            ".SH COMMANDS",
        ]
        for command in configuration.subcommands {
            page += commandSection(command, path: [root])
        }
        page += [".SH VERSION", escape(configuration.version)]
        return page.joined(separator: "\n") + "\n"
    }

    private static func commandSection(_ command: ParsableCommand.Type, path: [ParsableCommand.Type]) -> [String] {
        let help = path[0].helpMessage(for: command, columns: 100)
        var lines = [".SS \(escape(help.split(separator: "\n").first { $0.hasPrefix("USAGE:") }.map { String($0.dropFirst(7)) } ?? command._commandName))", ".nf"]
        lines += help.split(separator: "\n", omittingEmptySubsequences: false).map { escape(String($0)) }
        lines.append(".fi")
        for sub in command.configuration.subcommands { lines += commandSection(sub, path: path + [command]) }
        return lines
    }

    /// Backslashes doubled, and a leading dot or quote kept from reading as a request.
    private static func escape(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            // Non-ASCII as roff's \[uXXXX], which every troff reads whatever its input encoding.
            let escaped = line.replacingOccurrences(of: "\\", with: "\\e").unicodeScalars.map { scalar in
                scalar.isASCII ? String(scalar) : "\\[u" + String(format: "%04X", scalar.value) + "]"
            }.joined()
            return escaped.hasPrefix(".") || escaped.hasPrefix("'") ? "\\&" + escaped : escaped
        }.joined(separator: "\n")
    }
}
