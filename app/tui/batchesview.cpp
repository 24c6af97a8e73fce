// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "tui/views.h"

namespace ferry::tui {

namespace {
constexpr qsizetype kLogLines = 200;
} // namespace

BatchesView::BatchesView(Host &host, QString kind, QString stopping)
    : View(host)
    , m_kind(std::move(kind))
    , m_stopping(std::move(stopping))
{ }

BatchesView::~BatchesView() = default;

bool BatchesView::key(const KeyEvent &k)
{
    switch (k.key) {
    case key::Tab:
    case key::BackTab: m_itemsFocused = !m_itemsFocused; return true;
    case 'c':
        if (m_job) {
            m_job->cancel();
            m_host.message(m_stopping);
        }
        return true;
    default: break;
    }
    if (kindKey(k))
        return true;
    if (m_itemsFocused)
        return m_itemTable.key(k);
    const int before = m_batchTable.current();
    if (!m_batchTable.key(k))
        return false;
    if (m_batchTable.current() != before)
        selectBatch(m_batchTable.current());
    return true;
}

bool BatchesView::busy()
{
    if (m_job)
        m_host.message(QStringLiteral("A %1 operation is running: wait for it, or stop it with c.").arg(m_kind), true);
    return m_job != nullptr;
}

void BatchesView::startJob(const QString &what, OperationJob *job, const QString &error, std::function<void(const QVariant &)> done)
{
    m_job.reset(job);
    if (!m_job) {
        m_host.message(error, true);
        return;
    }
    m_log.clear();
    m_progress = what;
    connect(m_job.get(), &OperationJob::progressed, this, [this](const QVariant &p) {
        const ProgressLine read = progressLine(p);
        m_progress = read.line;
        if (!read.log.isEmpty())
            m_log << read.log;
        if (m_log.size() > kLogLines)
            m_log.removeFirst();
        m_host.redraw();
    });
    connect(m_job.get(), &OperationJob::ended, this, [this, done = std::move(done)](const QVariant &outcome) {
        m_job.release()->deleteLater(); // it is signalling: the event loop deletes it
        m_progress.clear();
        done(outcome);
        reload();
    });
    m_host.redraw();
}

int BatchesView::drawHead(Screen &s, int top, int rows, const QString &reading, const QString &empty)
{
    if (!m_loaded) {
        s.put(top, 1, reading, Style::Dim);
        return -1;
    }
    int y = top;
    if (!m_progress.isEmpty())
        s.put(y++, 1, m_progress, m_job ? Style::Warn : Style::Normal);
    if (rows > 0)
        return y;
    for (const QString &line : wrapWords(empty, s.cols() - 2))
        s.put(y++, 1, line, Style::Dim);
    return -1;
}

} // namespace ferry::tui
