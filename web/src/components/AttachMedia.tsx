import { Button, Field, Input, Link, makeStyles, Select, Text, tokens } from '@fluentui/react-components';
import { useId, useRef, useState } from 'react';
import { attachmentProblem, contentTypeFor, MEDIA_CONTENT_TYPES, MEDIA_MAX_FILES } from '../logic/media.js';
import type { Media } from '../types.js';

const useStyles = makeStyles({
  box: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalS,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  row: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'flex-end', flexWrap: 'wrap' },
  url: { flexGrow: 1, minWidth: '260px' },
  list: {
    listStyleType: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: '2px',
  },
  file: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', overflowWrap: 'anywhere' },
});

/**
 * Files for an MMS: the https address the provider fetches and its content type (guessed from the
 * file name, the agent can change it). They go with the next reply; the product never fetches them.
 */
export function AttachMedia(props: {
  media: Media[];
  disabled: boolean;
  onChange: (media: Media[]) => void;
}) {
  const [url, setUrl] = useState('');
  const [contentType, setContentType] = useState('');
  const [problem, setProblem] = useState<ReturnType<typeof attachmentProblem>>();
  const urlBox = useRef<HTMLInputElement>(null);
  const typeBox = useRef<HTMLSelectElement>(null);
  const id = useId();
  const styles = useStyles();

  const add = () => {
    const found = attachmentProblem({ url, contentType }, props.media);
    setProblem(found);
    if (found) {
      (found.field === 'url' ? urlBox : typeBox).current?.focus();
      return;
    }
    props.onChange([...props.media, { url: url.trim(), contentType }]);
    setUrl('');
    setContentType('');
    urlBox.current?.focus();
  };

  return (
    <fieldset className={styles.box} aria-labelledby={`${id}-legend`} data-testid="attach-media">
      <Text id={`${id}-legend`} weight="semibold">
        Attach media (MMS, at most {MEDIA_MAX_FILES} files)
      </Text>
      <div className={styles.row}>
        <Field
          className={styles.url}
          label="Media URL"
          {...(problem?.field === 'url'
            ? { validationState: 'error' as const, validationMessage: problem.message }
            : {})}
        >
          <Input
            ref={urlBox}
            type="url"
            value={url}
            disabled={props.disabled}
            placeholder="https://…/label.png"
            onChange={(_, data) => {
              setUrl(data.value);
              // The file's name usually says its type; the agent can still choose another.
              const guessed = contentTypeFor(data.value);
              if (guessed) setContentType(guessed);
              setProblem(undefined);
            }}
            onKeyDown={(event) => {
              // Enter adds the file here; it must not send the reply.
              if (event.key === 'Enter') {
                event.preventDefault();
                add();
              }
            }}
          />
        </Field>
        <Field
          label="Content type"
          {...(problem?.field === 'contentType'
            ? { validationState: 'error' as const, validationMessage: problem.message }
            : {})}
        >
          <Select
            ref={typeBox}
            value={contentType}
            disabled={props.disabled}
            onChange={(_, data) => {
              setContentType(data.value);
              setProblem(undefined);
            }}
          >
            <option value="">Choose…</option>
            {MEDIA_CONTENT_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </Select>
        </Field>
        <Button disabled={props.disabled} onClick={add}>
          Add file
        </Button>
      </div>
      {props.media.length > 0 && (
        <ul className={styles.list} aria-label="Files to send" data-testid="attached-media">
          {props.media.map((media, index) => (
            <li key={media.url} className={styles.file}>
              <Link href={media.url} target="_blank" rel="noreferrer">
                {media.url}
              </Link>
              <Text size={200}>({media.contentType})</Text>
              <Button
                size="small"
                appearance="subtle"
                disabled={props.disabled}
                aria-label={`Remove file ${index + 1}, ${media.url}`}
                onClick={() => props.onChange(props.media.filter((other) => other.url !== media.url))}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
