// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The Copies page: copy batches, the items of the selected one (tag, the digest it is pinned
// to, what the copy does to the target's tag, state and message), and the lead's decisions:
// approve with a name against the hash shown, reject, dry run, copy with progress in items and
// bytes (and the budget pause when it comes), stop. The engine is the one ferryctl copy and the
// window run.

#include "core/batchreads.h"
#include "tui/views.h"

namespace ferry::tui {

namespace {

Style styleOfCopyState(const QString &state)
{
    if (state == copystate::Copied || state == copystate::AlreadyPresent || state == copystate::WouldCopy)
        return Style::Good;
    if (state == copystate::Failed || state == copystate::Refused)
        return Style::Bad;
    if (state == copystate::Moved || state == copystate::Copying)
        return Style::Warn;
    return Style::Normal;
}

QString actionText(const CopyItem &i)
{
    if (i.action == copyaction::Overwrite)
        return QStringLiteral("overwrite ") + i.replaces.left(19);
    if (i.action == copyaction::Platforms)
        return QStringLiteral("add platforms to ") + i.replaces.left(19);
    if (i.action == copyaction::Referrer)
        return QStringLiteral("referrer, by digest");
    return QStringLiteral("new tag");
}

} // namespace

CopiesView::CopiesView(Host &host)
    : BatchesView(host, QStringLiteral("copy"), QStringLiteral("Stopping: the items in flight end first…"))
{
    m_batchModel.setColumnCount(6);
    m_batchModel.setHorizontalHeaderLabels({QStringLiteral("Batch"), QStringLiteral("Status"), QStringLiteral("From → to"),
                                            QStringLiteral("Done"), QStringLiteral("To send"), QStringLiteral("Pulls")});
    m_itemModel.setColumnCount(6);
    m_itemModel.setHorizontalHeaderLabels({QStringLiteral("#"), QStringLiteral("Tag"), QStringLiteral("Digest"), QStringLiteral("The copy"),
                                           QStringLiteral("State"), QStringLiteral("What happened")});
    m_batchTable.setModel(&m_batchModel);
    m_batchTable.setWidths({5, 10, 0, 9, 9, 6});
    m_itemTable.setModel(&m_itemModel);
    m_itemTable.setWidths({3, 16, 19, 34, 15, 0});
}

QString CopiesView::keys() const
{
    if (m_job)
        return QStringLiteral("c stop (items in flight end first)");
    return QStringLiteral("Tab batches/items  p plan  a approve  r reject  d dry run  x copy");
}

const CopyBatch *CopiesView::batch() const
{
    const int row = m_batchTable.current();
    return row >= 0 && row < m_batches.size() ? &m_batches[row] : nullptr;
}

void CopiesView::reload()
{
    whenReady(this, readCopyBatches(m_host.workspace(), batchToKeep(batch() ? batch()->id : 0)), [this](const CopyBatchesRead &read) {
        const QList<CopyBatch> &batches = read.batches;
        const qint64 keep = read.shown ? read.shown->id : 0;
        m_batches = batches;
        m_batchModel.removeRows(0, m_batchModel.rowCount());
        int row = -1;
        for (const CopyBatch &b : batches) {
            if (b.id == keep)
                row = m_batchModel.rowCount();
            m_batchModel.appendRow({new QStandardItem(QString::number(b.id)), new QStandardItem(b.status),
                                    new QStandardItem(QStringLiteral("%1 → %2/%3").arg(b.sourceRegistry, b.targetRegistry, b.repository)),
                                    new QStandardItem(QStringLiteral("%1 of %2").arg(b.finalCount).arg(b.itemCount)),
                                    new QStandardItem(humanBytes(b.bytes)), new QStandardItem(QString::number(b.pulls))});
        }
        m_loaded = true;
        selectBatch(qMax(0, row));
        m_host.redraw();
    });
}

void CopiesView::selectBatch(int row)
{
    m_batchTable.setCurrent(row);
    const CopyBatch *b = batch();
    if (!b) {
        m_full.reset();
        m_itemModel.removeRows(0, m_itemModel.rowCount());
        return;
    }
    const qint64 id = b->id;
    whenReady(this, readCopyBatch(m_host.workspace(), id), [this, id](const std::optional<CopyBatch> &full) {
        if (!batch() || batch()->id != id)
            return; // another batch was selected meanwhile
        m_full = full;
        m_itemModel.removeRows(0, m_itemModel.rowCount());
        for (const CopyItem &i : full ? full->items : QList<CopyItem>())
            m_itemModel.appendRow({new QStandardItem(QString::number(i.seq)),
                                   new QStandardItem(i.tag.isEmpty() ? QStringLiteral("(referrer)") : i.tag), new QStandardItem(i.digest),
                                   new QStandardItem(actionText(i)), new QStandardItem(i.state), new QStandardItem(i.message)});
        m_itemTable.setCurrent(0);
        m_host.redraw();
    });
}

void CopiesView::draw(Screen &s, int top, int bottom)
{
    int y = drawHead(s, top, int(m_batches.size()), QStringLiteral("Reading the copy batches from the store…"),
                     QStringLiteral("No copy batches yet. p turns the tags the target lacks (missing, or an index with missing "
                                    "platforms) into batches pinned to the source's digests; nothing is copied without approval."));
    if (y < 0)
        return;
    const int batchRows = qBound(2, int(m_batches.size()) + 1, qMax(2, (bottom - y) / 3));
    m_batchTable.draw(s, y, y + batchRows, !m_itemsFocused, {},
                      [this](int row, int) { return severityStyle(batchStatusSeverity(m_batches[row].status)); });
    y += batchRows;
    const CopyBatch *b = m_full ? &*m_full : nullptr;
    if (!b || y >= bottom)
        return;
    s.put(y++, 1,
          QStringLiteral("Copy batch %1 · %2 · %3 → %4/%5 · %6 tag(s), %7 blob(s) to send (%8), %9 pull(s)")
              .arg(b->id)
              .arg(b->status, b->sourceRegistry, b->targetRegistry, b->repository)
              .arg(b->items.size())
              .arg(b->blobs)
              .arg(humanBytes(b->bytes))
              .arg(b->pulls),
          Style::Title);
    if (y < bottom)
        s.put(y++, 3, QStringLiteral("hash ") + b->hash);
    if (!b->decidedBy.isEmpty() && y < bottom)
        s.put(y++, 3,
              QStringLiteral("%1 by %2%3")
                  .arg(b->status == batchstatus::Rejected ? QStringLiteral("rejected") : QStringLiteral("approved"), b->decidedBy,
                       b->comment.isEmpty() ? QString() : QStringLiteral(": ") + b->comment),
              Style::Good);
    const int lower = m_log.isEmpty() ? 0 : qMin(6, qMax(2, (bottom - y) / 3));
    m_itemTable.draw(s, y, bottom - lower, m_itemsFocused, {}, [this](int row, int column) {
        return column == 4 ? styleOfCopyState(m_itemModel.item(row, 4)->text()) : Style::Normal;
    });
    y = bottom - lower;
    for (qsizetype i = qMax<qsizetype>(0, m_log.size() - lower); i < m_log.size() && y < bottom; ++i)
        s.put(y++, 1, m_log[i], Style::Dim);
}

void CopiesView::plan(const CopyPlanOptions &options)
{
    CopyRequest request;
    request.plan = options;
    run(QStringLiteral("Reading the manifests the missing tags are made of…"), request, [this](const CopyOutcome &o) {
        const CopyPlanResult &r = o.plan;
        m_showNext = r.batches.value(0); // the review of what was just planned
        m_host.message(r.batches.isEmpty() ? r.notes.join(u' ') + r.errors.join(u' ')
                                           : QStringLiteral("Planned %1 copy batch(es): %2 tag(s), %3 pull(s) at the source. %4")
                                                 .arg(r.batches.size())
                                                 .arg(r.items)
                                                 .arg(r.pulls)
                                                 .arg(r.errors.join(u' ')),
                       !r.errors.isEmpty());
    });
}

bool CopiesView::kindKey(const KeyEvent &k)
{
    switch (k.key) {
    case 'p': plan(); return true;
    case 'a': decide(true); return true;
    case 'r': decide(false); return true;
    case 'd': execute(true); return true;
    case 'x': execute(false); return true;
    default: break;
    }
    return false;
}

void CopiesView::run(const QString &what, const CopyRequest &request, std::function<void(const CopyOutcome &)> done)
{
    if (busy())
        return;
    QString error;
    OperationJob *job = m_host.workspace().startCopy(withBatchPlan(request, m_full), &error);
    runJob<CopyOutcome>(what, job, error, std::move(done));
}

BatchesView::ProgressLine CopiesView::progressLine(const QVariant &progress) const
{
    const CopyProgress p = progress.value<CopyProgress>();
    return {QStringLiteral("%1: %2/%3, %4 sent  %5").arg(p.phase).arg(p.done).arg(p.total).arg(humanBytes(p.bytes), p.message),
            p.phase != u"plan" ? p.message : QString()};
}

void CopiesView::decide(bool approve)
{
    const CopyBatch *b = m_full ? &*m_full : nullptr;
    if (!b)
        return;
    if (const QString blocked = approve ? copyApprovalBlocker(*b) : copyRejectionBlocker(*b); !blocked.isEmpty()) {
        m_host.message(blocked, true);
        return;
    }
    const qint64 id = b->id;
    const QString hash = b->hash;
    const QString user = osUserName();
    const QStringList question{approve ? QStringLiteral("Approve copy batch %1: %2 tag(s) from %3 into %4/%5, each by the digest shown.")
                                             .arg(id)
                                             .arg(b->items.size())
                                             .arg(b->sourceRegistry, b->targetRegistry, b->repository)
                                       : QStringLiteral("Reject copy batch %1: a rejected batch never runs.").arg(id),
                               QStringLiteral("Hash: ") + hash,
                               user.isEmpty() ? QStringLiteral("Your name (Esc cancels):")
                                              : QStringLiteral("Your name (Enter for %1; Esc cancels):").arg(user)};
    m_host.ask(question, QString(), [this, id, hash, user, approve](const QString &name) {
        const QString actor = name.trimmed().isEmpty() ? user : name.trimmed();
        if (actor.isEmpty()) {
            m_host.message(QStringLiteral("A decision names who gives it: try again and give your name."), true);
            return;
        }
        CopyRequest request;
        request.kind = approve ? CopyRequest::Kind::Approve : CopyRequest::Kind::Reject;
        request.batch = id;
        request.actor = actor;
        request.expectedHash = hash; // what the lead saw is what is approved
        run(QStringLiteral("Deciding copy batch %1…").arg(id), request, [this, id, actor, approve](const CopyOutcome &o) {
            m_host.message(o.refused.isEmpty() ? QStringLiteral("Copy batch %1 %2 by %3.")
                                                     .arg(id)
                                                     .arg(approve ? QStringLiteral("approved") : QStringLiteral("rejected"), actor)
                                               : o.refused,
                           !o.refused.isEmpty());
        });
    });
}

void CopiesView::execute(bool dryRun)
{
    const CopyBatch *b = batch();
    if (!b)
        return;
    const qint64 id = b->id;
    CopyRequest request;
    request.kind = CopyRequest::Kind::Execute;
    request.batch = id;
    request.options.dryRun = dryRun;
    request.options.actor = osUserName();
    run(dryRun ? QStringLiteral("Dry run of copy batch %1…").arg(id) : QStringLiteral("Copying batch %1…").arg(id), request,
        [this, id](const CopyOutcome &o) {
            if (o.runs.isEmpty())
                return;
            const CopyExecResult &r = o.runs.first();
            if (!r.refused.isEmpty()) {
                m_host.message(QStringLiteral("Refused: ") + r.refused, true);
                return;
            }
            m_host.message(QStringLiteral("Copy batch %1: %2; %3 sent, %4 blob(s) mounted%5")
                               .arg(id)
                               .arg(r.countsText(), humanBytes(r.transfer.bytesSent))
                               .arg(r.transfer.blobsMounted)
                               .arg(r.stopped ? QStringLiteral(" (stopped; x again finishes it)") : QString()),
                           r.hasFailures() || r.stopped);
        });
}

} // namespace ferry::tui
