import './base.css';
import './cohort-builder.css';
