// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "parse/inputfile.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry {

namespace {

QString sizeText(qint64 bytes)
{
    if (bytes >= (qint64(1) << 20))
        return QStringLiteral("%1 MiB").arg(double(bytes) / (1 << 20), 0, 'f', 1);
    return QStringLiteral("%1 bytes").arg(bytes);
}

QString kindOf(mode_t mode)
{
    if (S_ISDIR(mode))
        return QStringLiteral("a directory");
    if (S_ISFIFO(mode))
        return QStringLiteral("a FIFO");
    if (S_ISCHR(mode))
        return QStringLiteral("a character device");
    if (S_ISBLK(mode))
        return QStringLiteral("a block device");
    if (S_ISSOCK(mode))
        return QStringLiteral("a socket");
    return QStringLiteral("not a regular file");
}

} // namespace

std::optional<QByteArray> readInputFile(const QString &path, qint64 maxBytes, QString *error)
{
    // O_NONBLOCK: opening a FIFO without a writer must not wait; the type is then read from the
    // descriptor itself, so a file swapped in between cannot slip through.
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *error = QStringLiteral("%1: cannot be read: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
        return std::nullopt;
    }
    struct stat st = {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *error = QStringLiteral("%1 is %2, not a regular file").arg(path, kindOf(st.st_mode));
        ::close(fd);
        return std::nullopt;
    }
    auto tooLarge = [&](qint64 size) {
        *error = QStringLiteral("%1 is %2, beyond the %3 such a file may have").arg(path, sizeText(size), sizeText(maxBytes));
        ::close(fd);
        return std::nullopt;
    };
    if (st.st_size > maxBytes)
        return tooLarge(st.st_size);
    QByteArray data;
    data.resize(qsizetype(st.st_size) + 1);
    qint64 have = 0;
    for (;;) {
        if (have == data.size()) {
            if (have > maxBytes) // it grew while being read
                return tooLarge(have);
            data.resize(qsizetype(qMin<qint64>(have * 2 + 4096, maxBytes + 1)));
        }
        const ssize_t n = ::read(fd, data.data() + have, size_t(data.size() - have));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *error = QStringLiteral("%1: cannot be read: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
            ::close(fd);
            return std::nullopt;
        }
        if (n == 0)
            break;
        have += n;
    }
    ::close(fd);
    if (have > maxBytes)
        return tooLarge(have);
    data.truncate(qsizetype(have));
    return data;
}

QString printableText(const QString &text, qsizetype maxChars)
{
    QString out;
    const qsizetype shown = qMin(text.size(), maxChars);
    out.reserve(shown + 16);
    for (qsizetype i = 0; i < shown; ++i) {
        const char16_t c = text.at(i).unicode();
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
            out += QStringLiteral("\\x%1").arg(int(c), 2, 16, QLatin1Char('0'));
        else
            out += text.at(i);
    }
    if (text.size() > shown)
        out += QStringLiteral("… (%1 more characters)").arg(text.size() - shown);
    return out;
}

} // namespace ferry
