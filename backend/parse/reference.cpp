// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "parse/reference.h"

#include "parse/digest.h"

#include <QRegularExpression>

namespace ferry {

namespace reference {

bool isValidRepository(QStringView name)
{
    static const QRegularExpression re(QStringLiteral("^[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*$"));
    return name.size() <= 255 && re.match(name.toString()).hasMatch();
}

bool isValidTag(QStringView tag)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$"));
    return re.match(tag.toString()).hasMatch();
}

QString dockerHubConfigKey()
{
    return QStringLiteral("https://index.docker.io/v1/");
}

QString normaliseRegistryHost(const QString &host)
{
    const QString h = host.toLower();
    if (h == u"docker.io" || h == u"index.docker.io" || h == u"registry-1.docker.io" || h == u"registry.hub.docker.com")
        return QStringLiteral("registry-1.docker.io");
    return h;
}

} // namespace reference

bool ImageReference::isDockerHub() const
{
    return registry == u"registry-1.docker.io";
}

QString ImageReference::toString() const
{
    QString s = registry + u'/' + repository;
    if (!tag.isEmpty())
        s += u':' + tag;
    if (!digest.isEmpty())
        s += u'@' + digest;
    return s;
}

ImageReference ImageReference::parse(const QString &text, QString *error, bool repositoryOnly)
{
    ImageReference ref;
    auto fail = [&](const QString &why) {
        if (error)
            *error = why;
        return ImageReference{};
    };
    if (error)
        error->clear();

    QString rest = text.trimmed();
    if (rest.startsWith(u"docker://"))
        rest = rest.mid(9);
    if (rest.isEmpty())
        return fail(QStringLiteral("empty reference"));

    const auto at = rest.indexOf(u'@');
    if (at >= 0) {
        ref.digest = rest.mid(at + 1);
        rest = rest.left(at);
        if (!digest::isValid(ref.digest))
            return fail(QStringLiteral("invalid digest '%1' (expected sha256:<64 hex> or sha512:<128 hex>)").arg(ref.digest));
    }

    // The first path component is a host when it looks like one (Docker's rule).
    const auto slash = rest.indexOf(u'/');
    QString host;
    if (slash > 0) {
        const QString first = rest.left(slash);
        if (first.contains(u'.') || first.contains(u':') || first == u"localhost") {
            host = first;
            rest = rest.mid(slash + 1);
        }
    }
    // A tag is after the last ':' of the path, never in the host part.
    const auto colon = rest.lastIndexOf(u':');
    if (colon >= 0) {
        ref.tag = rest.mid(colon + 1);
        rest = rest.left(colon);
        if (!reference::isValidTag(ref.tag))
            return fail(QStringLiteral("invalid tag '%1'").arg(ref.tag));
    }
    if (host.isEmpty())
        host = QStringLiteral("docker.io");
    ref.registry = reference::normaliseRegistryHost(host);
    ref.repository = rest;
    if (ref.isDockerHub() && !ref.repository.contains(u'/'))
        ref.repository.prepend(QStringLiteral("library/"));
    if (!reference::isValidRepository(ref.repository))
        return fail(QStringLiteral("invalid repository name '%1' (lower-case letters, digits and separators)").arg(ref.repository));
    if (repositoryOnly) {
        if (!ref.tag.isEmpty() || !ref.digest.isEmpty())
            return fail(QStringLiteral("expected a repository without tag or digest: '%1'").arg(text));
        return ref;
    }
    if (ref.tag.isEmpty() && ref.digest.isEmpty())
        ref.tag = QStringLiteral("latest");
    return ref;
}

} // namespace ferry
