// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "parse/clientref.h"

#include "parse/reference.h"

#include <QRegularExpression>

namespace ferry {

namespace {

bool looksLikeHost(QStringView component)
{
    return component.contains(u'.') || component.contains(u':') || component == u"localhost";
}

bool validDigest(const QString &d)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$"));
    if (!re.match(d).hasMatch())
        return false;
    if (d.startsWith(u"sha256:")) {
        static const QRegularExpression hex(QStringLiteral("^sha256:[a-f0-9]{64}$"));
        return hex.match(d).hasMatch();
    }
    return true;
}

} // namespace

bool ClientRef::isDockerHub() const
{
    return clientref::registryOf(domain) == u"docker.io";
}

QString ClientRef::canonical() const
{
    QString s = name();
    if (!tag.isEmpty())
        s += u':' + tag;
    if (!digest.isEmpty())
        s += u'@' + digest;
    return s;
}

std::optional<ClientRef> ClientRef::parse(const QString &input, QString *error)
{
    auto fail = [&](const QString &why) -> std::optional<ClientRef> {
        if (error)
            *error = QStringLiteral("'%1': %2").arg(input, why);
        return std::nullopt;
    };
    const QString text = input.trimmed();
    if (text.isEmpty())
        return fail(QStringLiteral("empty reference"));
    if (text.contains(u' ') || text.contains(u"{{") || text.contains(u"${"))
        return fail(QStringLiteral("not a reference (spaces or a template)"));
    ClientRef ref;
    QString rest = text;
    if (const qsizetype at = rest.indexOf(u'@'); at >= 0) {
        ref.digest = rest.mid(at + 1);
        rest.truncate(at);
        if (!validDigest(ref.digest))
            return fail(QStringLiteral("invalid digest '%1'").arg(ref.digest));
    }
    const qsizetype slash = rest.indexOf(u'/');
    if (slash > 0 && looksLikeHost(QStringView(rest).left(slash))) {
        ref.domain = rest.left(slash);
        rest = rest.mid(slash + 1);
        if (ref.domain.toLower() != ref.domain)
            return fail(QStringLiteral("the registry host must be lower case"));
    } else {
        ref.domain = QStringLiteral("docker.io");
        ref.implicitDomain = true;
    }
    // A ':' after the last '/' separates the tag (a ':' before it belongs to a port).
    const qsizetype colon = rest.lastIndexOf(u':');
    if (colon > rest.lastIndexOf(u'/')) {
        ref.tag = rest.mid(colon + 1);
        rest.truncate(colon);
        if (!reference::isValidTag(ref.tag))
            return fail(QStringLiteral("invalid tag '%1'").arg(ref.tag));
    }
    if (ref.domain == u"index.docker.io")
        ref.domain = QStringLiteral("docker.io");
    if (ref.domain == u"docker.io" && !rest.contains(u'/'))
        rest.prepend(QStringLiteral("library/"));
    if (!reference::isValidRepository(rest))
        return fail(rest.toLower() == rest ? QStringLiteral("invalid repository name '%1'").arg(rest)
                                           : QStringLiteral("repository names must be lower case ('%1')").arg(rest));
    ref.path = rest;
    if (ref.tag.isEmpty() && ref.digest.isEmpty()) {
        ref.tag = QStringLiteral("latest");
        ref.implicitTag = true;
    }
    return ref;
}

namespace clientref {

QString registryOf(const QString &domain)
{
    const QString d = domain.toLower();
    if (d == u"docker.io" || d == u"index.docker.io" || d == u"registry-1.docker.io" || d == u"registry.hub.docker.com")
        return QStringLiteral("docker.io");
    return d;
}

QString defaultHost(const QString &domain)
{
    return domain == u"docker.io" ? QStringLiteral("registry-1.docker.io") : domain;
}

QString digestOfImageId(const QString &imageId)
{
    // A bare "sha256:…" is the image's config digest (Docker's image ID), not a manifest's:
    // only a repository digest ("…@sha256:…") says what was pulled.
    static const QRegularExpression re(QStringLiteral("@(sha256:[a-f0-9]{64})$"));
    const auto m = re.match(imageId.trimmed());
    return m.hasMatch() ? m.captured(1) : QString();
}

} // namespace clientref

} // namespace ferry
