// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QByteArray>
#include <QUrl>

namespace ferry {

// The rel="next" target of an RFC 8288 Link header (quoted or bare rel, several links,
// extra parameters), resolved against the URL of the page that carried it. Returns an
// empty URL when there is no next link. *malformed is set when the header was present but
// could not be read.
QUrl nextLink(const QByteArray &linkHeader, const QUrl &base, bool *malformed = nullptr);

} // namespace ferry
