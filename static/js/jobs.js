// Background document jobs: every .job-status element polls its JSON once a second until the job ends.
// Forms with data-job-form start a job with postJSON and then show its progress in place.
(function () {
  function render(el, job) {
    el.dataset.jobStatus = job.status;
    const bar = el.querySelector('.progress-bar');
    const label = el.querySelector('.job-label');
    bar.style.width = job.percent + '%';
    bar.textContent = job.percent + '%';
    el.querySelector('.progress').setAttribute('aria-valuenow', job.percent);
    bar.classList.toggle('progress-bar-animated', job.status === 'running');
    bar.classList.toggle('progress-bar-striped', job.status === 'running');
    bar.classList.toggle('bg-danger', job.status === 'failed');
    label.textContent = job.status_label;
    label.className = 'job-label badge ' + ({ done: 'text-bg-success', failed: 'text-bg-danger', running: 'text-bg-primary' }[job.status] || 'text-bg-secondary');
    el.querySelector('.job-message').textContent = (job.message || '') + (job.total ? '（' + job.done + '/' + job.total + '）' : '');
    const err = el.querySelector('.job-error');
    err.hidden = !job.error;
    err.textContent = job.error || '';
    const link = el.querySelector('.job-download');
    if (job.download_url) {
      link.href = job.download_url;
      link.textContent = '下载 ' + (job.result_name || '');
      link.hidden = false;
    }
  }

  function watch(el) {
    if (el.dataset.watching) return;
    el.dataset.watching = '1';
    const url = el.dataset.jobUrl;
    async function tick() {
      if (el.dataset.jobStatus === 'done' || el.dataset.jobStatus === 'failed') return;
      try {
        const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
        const job = await res.json();
        if (job.ok === false) {
          el.querySelector('.job-message').textContent = job.message || '无法读取任务状态';
          return;
        }
        render(el, job);
        if (job.finished) return;
      } catch (e) { /* network blip: try again */ }
      setTimeout(tick, 1000);
    }
    tick();
  }

  function template(title, url) {
    const el = document.createElement('div');
    el.className = 'job-status mt-2';
    el.dataset.jobUrl = url;
    el.dataset.jobStatus = 'queued';
    el.innerHTML = '<div class="d-flex justify-content-between small"><span class="job-title"></span>' +
      '<span class="job-label badge text-bg-secondary">排队中</span></div>' +
      '<div class="progress my-1" role="progressbar" aria-label="生成进度" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0" style="height:1.1rem">' +
      '<div class="progress-bar" style="width:0%">0%</div></div>' +
      '<div class="small text-muted job-message"></div><div class="job-error small text-danger" hidden style="white-space:pre-wrap"></div>' +
      '<a class="job-download btn btn-sm btn-success mt-1" hidden>下载</a>';
    el.querySelector('.job-title').textContent = title;
    return el;
  }

  document.addEventListener('submit', async function (ev) {
    const form = ev.target;
    if (!form.hasAttribute('data-job-form')) return;
    ev.preventDefault();
    const params = {};
    new FormData(form).forEach(function (value, key) {
      if (key.startsWith('param-') && value !== '') params[key.slice(6)] = value;
    });
    const button = form.querySelector('[type=submit]');
    if (button) button.disabled = true;
    const res = await postJSON(form.action, { kind: form.dataset.jobForm, params: params });
    if (button) button.disabled = false;
    const target = document.querySelector(form.dataset.jobTarget || '#job-area') || form;
    if (!res.ok) {
      const alert = document.createElement('div');
      alert.className = 'alert alert-danger mt-2';
      alert.textContent = res.message || '无法创建任务';
      target.prepend(alert);
      return;
    }
    const el = template(form.dataset.jobTitle || '文档生成', res.status_url);
    target.prepend(el);
    watch(el);
  });

  document.querySelectorAll('.job-status').forEach(watch);
})();
