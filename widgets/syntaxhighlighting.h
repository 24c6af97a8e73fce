// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QString>
#include <QStringList>

class QSyntaxHighlighter;
class QTextDocument;

namespace ferry {

// Syntax highlighting for what Ferry shows: manifests (JSON), plans (YAML) and generated
// configs (TOML). KDE's KSyntaxHighlighting (KF6) does it where the build found it; a small
// built-in highlighter does it otherwise (Debian 12 does not package KF6). Callers only see
// this interface, so both paths are exercised by the same tests.
namespace highlighting {

// "KF6 SyntaxHighlighting" or "built-in"; the build's feature summary says the same.
QString engine();
QStringList formats(); // json, yaml, toml

// Attaches a highlighter for the format to the document (the document owns it). Returns
// nullptr for a format neither engine knows; the text then shows plain.
QSyntaxHighlighter *attach(QTextDocument *document, const QString &format);

// JSON on one line re-indented by two spaces, keys in the registry's order; anything else
// (other formats, JSON already on several lines) as it is.
QString prettyJson(const QByteArray &raw);

} // namespace highlighting
} // namespace ferry
